"""Publishing domain events on the environment's EventBridge bus (EVENT_BUS_ARN).

A write never fails because its event could not be published: routes hand events over as
background tasks, which run once the response is sent. A failed attempt is tried once more;
an event that still fails is logged as `EVENT_NOT_PUBLISHED` with its type and id, which the
environment counts (a metric filter on the service's log group) and alarms on.

botocore's client blocks, so each call runs in a worker thread: the event loop never waits.
"""

import asyncio
import logging
import sys
from typing import Annotated, Protocol

from fastapi import BackgroundTasks, Depends, Request

from {{ cookiecutter.package_name }}.config import Settings

logger = logging.getLogger(__name__)

# The `source` of every event this service publishes: rules on the bus match on it.
SOURCE = "{{ cookiecutter.project_slug }}"
# The message logged for each event given up on: the metric filter counts this exact text.
EVENT_NOT_PUBLISHED = "event not published"
ATTEMPTS = 2
# Seconds one attempt may take to connect and to be answered: a slow bus delays nobody's
# response (publishing runs after it), but holds a worker thread.
TIMEOUT = 2.0


class DomainEvent(Protocol):
    """What a publisher needs of an event: its type (EventBridge's detail-type), its own id,
    and its body as JSON (the detail)."""

    @property
    def type(self) -> str: ...

    @property
    def id(self) -> str: ...

    def model_dump_json(self) -> str: ...


class EventPublisher(Protocol):
    async def publish(self, event: DomainEvent) -> bool: ...


class EventBridgePublisher:
    def __init__(self, bus_arn: str) -> None:
        # Imported here: botocore costs about 30 MB of memory, only where events are published.
        import botocore.config
        import botocore.session

        self.bus_arn = bus_arn
        self._client = botocore.session.get_session().create_client(
            "events",
            region_name=bus_arn.split(":")[3],
            # One attempt per call: the retry is ours, so that each failure is seen and logged.
            config=botocore.config.Config(
                connect_timeout=TIMEOUT, read_timeout=TIMEOUT, retries={"total_max_attempts": 1}
            ),
        )

    def _put(self, event: DomainEvent) -> str | None:
        """One attempt (a blocking call): None when published, else why not."""
        from botocore.exceptions import BotoCoreError, ClientError

        entry = {
            "EventBusName": self.bus_arn,
            "Source": SOURCE,
            "DetailType": event.type,
            "Detail": event.model_dump_json(),
        }
        try:
            response = self._client.put_events(Entries=[entry])
        except (BotoCoreError, ClientError) as error:
            return str(error)
        if response.get("FailedEntryCount"):
            (failed,) = response["Entries"]
            return f"{failed.get('ErrorCode')}: {failed.get('ErrorMessage')}"
        return None

    async def publish(self, event: DomainEvent) -> bool:
        """Whether the bus took the event, within two attempts; never raises."""
        for attempt in range(1, ATTEMPTS + 1):
            error = await asyncio.to_thread(self._put, event)
            if error is None:
                return True
            logger.info(
                "event publishing failed",
                extra={"event_type": event.type, "event_id": event.id, "attempt": attempt},
            )
        logger.warning(
            EVENT_NOT_PUBLISHED,
            extra={"event_type": event.type, "event_id": event.id, "error": error},
        )
        return False


class LoggedEvents:
    """Where no bus is configured (a local run): each event is logged instead of published."""

    async def publish(self, event: DomainEvent) -> bool:
        logger.info(
            "event logged (EVENT_BUS_ARN is unset)",
            extra={"event_type": event.type, "event": event.model_dump_json()},
        )
        return True


def create_event_publisher(settings: Settings) -> EventPublisher:
    """The bus's publisher; in a local run without a bus, a log. Anywhere else without one,
    exit naming the setting: every write would lose its event."""
    if settings.event_bus_arn is not None:
        return EventBridgePublisher(settings.event_bus_arn)
    if settings.environment == "local":
        return LoggedEvents()
    sys.exit(
        "Invalid configuration:\n  EVENT_BUS_ARN: required outside local runs: the items' "
        "events are published there"
    )


class EventsAfterResponse:
    """What a route publishes with: each event is sent once the response has gone out."""

    def __init__(self, publisher: EventPublisher, background: BackgroundTasks) -> None:
        self.publisher = publisher
        self.background = background

    def publish(self, event: DomainEvent) -> None:
        self.background.add_task(self.publisher.publish, event)


def events_after_response(request: Request, background: BackgroundTasks) -> EventsAfterResponse:
    return EventsAfterResponse(request.app.state.event_publisher, background)


Events = Annotated[EventsAfterResponse, Depends(events_after_response)]
