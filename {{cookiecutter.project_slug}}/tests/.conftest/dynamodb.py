"""Shared fixtures.

The suite runs against moto's server, an emulated AWS on a loopback port that the tests start
themselves: the items table{% if cookiecutter.events == "yes" %}, the event bus{% endif %}{% if cookiecutter.object_storage == "yes" %}, the bucket{% endif %} and every call to them stay on this machine.
"""

{% if cookiecutter.events == "yes" %}
import json
{% endif %}
from collections.abc import AsyncIterator, Iterator
{% if cookiecutter.events == "yes" %}
from dataclasses import dataclass
{% endif %}
from pathlib import Path
{% if cookiecutter.events == "yes" %}
from typing import Any
{% endif %}

import pytest
from botocore.session import get_session
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.events import SOURCE
{% endif %}
from {{ cookiecutter.package_name }}.local_table import create_local_table
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.table import KEY
from scripts.emulator import serve_one_request_at_a_time

# The region the emulated resources are in.
REGION = "{{ cookiecutter.aws_region }}"
TABLE = "{{ cookiecutter.project_slug }}-test-items"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
{% if cookiecutter.events == "yes" or cookiecutter.object_storage == "yes" %}
# An id no test item has.
UNUSED_ITEM_ID = "0b6c9f3e-5d1a-4e8b-9c2f-7a4d3e1b6c80"
{% endif %}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def aws_emulator() -> Iterator[str]:
    """moto's server on a free loopback port, which every AWS client of this process then calls
    (AWS_ENDPOINT_URL, its URL), with made-up credentials: the tests never reach AWS. The one
    `make run` starts: one request at a time, so that moto's transactions do not undo each
    other (the name race tests would otherwise test moto's)."""
    server = serve_one_request_at_a_time()
    host, port = server.server_address[:2]
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        environment.setenv("AWS_ACCESS_KEY_ID", "testing")
        environment.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        environment.delenv("AWS_SESSION_TOKEN", raising=False)
        environment.delenv("AWS_PROFILE", raising=False)
        yield f"http://{host}:{port}"
    server.shutdown()


@pytest.fixture(scope="session")
def items_table(aws_emulator: str) -> str:
    """The emulated items table, created as local runs create it."""
    create_local_table(TABLE, REGION)
    return TABLE
{% if cookiecutter.object_storage == "yes" %}


@pytest.fixture(scope="session")
def assets_bucket(aws_emulator: str) -> str:
    """An emulated bucket for the items' files."""
    bucket = "{{ cookiecutter.project_slug }}-test-assets"
    s3 = get_session().create_client("s3", region_name=REGION)
    # Every region but us-east-1 is named when a bucket is created there.
    if REGION == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    return bucket
{% endif %}
{% if cookiecutter.events == "yes" %}


@dataclass(frozen=True)
class EventBus:
    """An emulated bus, and a queue that a rule sends each of its events to."""

    arn: str
    queue_url: str
    sqs: Any

    def received(self) -> list[dict[str, Any]]:
        """The events the queue has received since the last call, oldest first."""
        events = []
        while messages := self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10
        ).get("Messages"):
            for message in messages:
                events.append(json.loads(message["Body"]))
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return events


@pytest.fixture(scope="session")
def event_bus(aws_emulator: str) -> EventBus:
    events = get_session().create_client("events", region_name=REGION)
    sqs = get_session().create_client("sqs", region_name=REGION)
    bus_arn = events.create_event_bus(Name="{{ cookiecutter.project_slug }}-test")["EventBusArn"]
    queue_url = sqs.create_queue(QueueName="{{ cookiecutter.project_slug }}-test-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.put_rule(
        Name="every-event", EventBusName=bus_arn, EventPattern=json.dumps({"source": [SOURCE]})
    )
    events.put_targets(
        Rule="every-event", EventBusName=bus_arn, Targets=[{"Id": "queue", "Arn": queue_arn}]
    )
    return EventBus(bus_arn, queue_url, sqs)


@pytest.fixture
def published(event_bus: EventBus) -> EventBus:
    """The bus, with what earlier tests published taken off it."""
    event_bus.received()
    return event_bus
{% endif %}


@pytest.fixture(scope="session")
{% if cookiecutter.events == "yes" and cookiecutter.object_storage == "yes" %}
def settings(items_table: str, event_bus: EventBus, assets_bucket: str) -> Settings:
{% endif %}
{% if cookiecutter.events == "yes" and cookiecutter.object_storage == "no" %}
def settings(items_table: str, event_bus: EventBus) -> Settings:
{% endif %}
{% if cookiecutter.events == "no" and cookiecutter.object_storage == "yes" %}
def settings(items_table: str, assets_bucket: str) -> Settings:
{% endif %}
{% if cookiecutter.events == "no" and cookiecutter.object_storage == "no" %}
def settings(items_table: str) -> Settings:
{% endif %}
    return Settings(
        environment="local",
        log_level="WARNING",
        items_table=items_table,
        aws_region=REGION,
{% if cookiecutter.events == "yes" %}
        event_bus_arn=event_bus.arn,
{% endif %}
{% if cookiecutter.object_storage == "yes" %}
        assets_bucket=assets_bucket,
{% endif %}
    )


def empty(table: str) -> None:
    dynamodb = get_session().create_client("dynamodb", region_name=REGION)
    for page in dynamodb.get_paginator("scan").paginate(TableName=table):
        for record in page["Items"]:
            dynamodb.delete_item(TableName=table, Key={KEY: record[KEY]})


@pytest.fixture
async def app(settings: Settings, anyio_backend: str) -> AsyncIterator[FastAPI]:
    """A fully started app (lifespan included) on an empty items table."""
    empty(settings.items_table)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client of that app."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
