"""The publisher's attempts, with botocore's Stubber in place of EventBridge: what it does
with each answer the bus can give."""

import json
from typing import Any

import pytest
from botocore.stub import Stubber

from {{ cookiecutter.package_name }}.api.items.events import item_deleted
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.events import (
    EVENT_NOT_PUBLISHED,
    SOURCE,
    EventBridgePublisher,
    LoggedEvents,
    create_event_publisher,
)
from {{ cookiecutter.package_name }}.logs import configure_logging
from tests.conftest import UNUSED_ITEM_ID

pytestmark = pytest.mark.anyio

BUS_ARN = "arn:aws:events:{{ cookiecutter.aws_region }}:123456789012:event-bus/app-test"
PUBLISHED = {"FailedEntryCount": 0, "Entries": [{"EventId": "1"}]}
REFUSED = {
    "FailedEntryCount": 1,
    "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}],
}


def log_lines(capfd: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capfd.readouterr().out.splitlines()]


@pytest.fixture
def publisher(aws_emulator: None) -> EventBridgePublisher:
    configure_logging("INFO")
    return EventBridgePublisher(BUS_ARN)


async def test_an_event_goes_to_the_bus_with_its_type_and_body(
    publisher: EventBridgePublisher,
) -> None:
    event = item_deleted(UNUSED_ITEM_ID)
    entry = {
        "EventBusName": BUS_ARN,
        "Source": SOURCE,
        "DetailType": "item.deleted",
        "Detail": event.model_dump_json(),
    }
    with Stubber(publisher._client) as bus:
        bus.add_response("put_events", PUBLISHED, {"Entries": [entry]})
        assert await publisher.publish(event)
        bus.assert_no_pending_responses()


async def test_a_failed_attempt_is_tried_once_more(
    publisher: EventBridgePublisher, capfd: pytest.CaptureFixture[str]
) -> None:
    with Stubber(publisher._client) as bus:
        bus.add_client_error("put_events", "ThrottlingException", http_status_code=400)
        bus.add_response("put_events", PUBLISHED)
        assert await publisher.publish(item_deleted(UNUSED_ITEM_ID))
        bus.assert_no_pending_responses()

    messages = [line["message"] for line in log_lines(capfd)]
    assert "event publishing failed" in messages
    assert EVENT_NOT_PUBLISHED not in messages


@pytest.mark.parametrize(
    "answer",
    [pytest.param("ThrottlingException", id="an error"), pytest.param(REFUSED, id="an entry")],
)
async def test_after_two_failures_the_event_is_logged_as_not_published(
    publisher: EventBridgePublisher, capfd: pytest.CaptureFixture[str], answer: Any
) -> None:
    event = item_deleted(UNUSED_ITEM_ID)
    with Stubber(publisher._client) as bus:
        for _attempt in range(2):
            if isinstance(answer, str):
                bus.add_client_error("put_events", answer, http_status_code=400)
            else:
                bus.add_response("put_events", answer)
        assert not await publisher.publish(event)
        bus.assert_no_pending_responses()

    (given_up,) = [line for line in log_lines(capfd) if line["message"] == EVENT_NOT_PUBLISHED]
    assert given_up["level"] == "WARNING"
    assert (given_up["event_type"], given_up["event_id"]) == ("item.deleted", event.id)
    assert ("ThrottlingException" if isinstance(answer, str) else "try again") in given_up["error"]


async def test_without_a_bus_events_are_logged(capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    publisher = create_event_publisher(Settings(environment="local", event_bus_arn=None))
    assert isinstance(publisher, LoggedEvents)

    assert await publisher.publish(item_deleted(UNUSED_ITEM_ID))

    (logged,) = [line for line in log_lines(capfd) if line.get("event_type") == "item.deleted"]
    assert json.loads(logged["event"])["item_id"] == UNUSED_ITEM_ID


def test_outside_local_the_service_does_not_start_without_a_bus(settings: Settings) -> None:
    settings = settings.model_copy(update={"environment": "staging", "event_bus_arn": None})

    with pytest.raises(SystemExit) as exit_info:
        create_event_publisher(settings)

    assert "EVENT_BUS_ARN: required outside local runs" in str(exit_info.value.code)
