"""Shared fixtures.

The suite runs on PostgreSQL when DATABASE_URL points at one (`make test` with the compose
database up, or CI), and on a throwaway SQLite file otherwise. The header pytest prints names
the backend in use.
"""

{% if cookiecutter.events == "yes" %}
import json
{% endif %}
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
{% if cookiecutter.events == "yes" %}
from dataclasses import dataclass
{% endif %}
from pathlib import Path
{% if cookiecutter.events == "yes" %}
from typing import Any
{% endif %}

import pytest
from alembic import command
from alembic.config import Config
{% if cookiecutter.events == "yes" or cookiecutter.object_storage == "yes" %}
from botocore.session import get_session
{% endif %}
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
{% if cookiecutter.events == "yes" or cookiecutter.object_storage == "yes" %}
from moto.server import ThreadedMotoServer
{% endif %}
from sqlalchemy import delete

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db.models import Item
{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.events import SOURCE
{% endif %}
from {{ cookiecutter.package_name }}.main import create_app

# The database the environment or .env configures; never the developer's local.db: without
# one, a fresh SQLite file per run.
_configured = Settings()
if _configured.database_url is None and _configured.db_host is None:
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/test.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
{% if cookiecutter.events == "yes" or cookiecutter.object_storage == "yes" %}
# An id no test item has.
UNUSED_ITEM_ID = 999999
{% endif %}


def pytest_report_header() -> str:
    url = Settings().sqlalchemy_url
    return f"database: {url.get_backend_name()} ({url.render_as_string(hide_password=True)})"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


{% if cookiecutter.events == "yes" or cookiecutter.object_storage == "yes" %}
# The region the emulated resources are in.
REGION = "{{ cookiecutter.aws_region }}"


@pytest.fixture(scope="session")
def aws_emulator() -> Iterator[None]:
    """moto's server on a free loopback port, which every AWS client of this process then calls
    (AWS_ENDPOINT_URL), with made-up credentials: the tests never reach AWS."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        environment.setenv("AWS_ACCESS_KEY_ID", "testing")
        environment.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        environment.delenv("AWS_SESSION_TOKEN", raising=False)
        environment.delenv("AWS_PROFILE", raising=False)
        yield
    server.stop()
{% endif %}
{% if cookiecutter.object_storage == "yes" %}


@pytest.fixture(scope="session")
def assets_bucket(aws_emulator: None) -> str:
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
def event_bus(aws_emulator: None) -> EventBus:
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
{% if cookiecutter.events == "yes" and cookiecutter.object_storage == "no" %}


@pytest.fixture(scope="session")
def settings(event_bus: EventBus) -> Settings:
    return Settings(environment="local", log_level="WARNING", event_bus_arn=event_bus.arn)
{% endif %}
{% if cookiecutter.object_storage == "yes" and cookiecutter.events == "no" %}


@pytest.fixture(scope="session")
def settings(assets_bucket: str) -> Settings:
    return Settings(
        environment="local", log_level="WARNING", assets_bucket=assets_bucket, aws_region=REGION
    )
{% endif %}
{% if cookiecutter.events == "yes" and cookiecutter.object_storage == "yes" %}


@pytest.fixture(scope="session")
def settings(event_bus: EventBus, assets_bucket: str) -> Settings:
    return Settings(
        environment="local",
        log_level="WARNING",
        event_bus_arn=event_bus.arn,
        assets_bucket=assets_bucket,
        aws_region=REGION,
    )
{% endif %}
{% if cookiecutter.events == "no" and cookiecutter.object_storage == "no" %}
@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(environment="local", log_level="WARNING")
{% endif %}


@pytest.fixture(scope="session")
def alembic_config() -> Config:
    return Config(PROJECT_ROOT / "alembic.ini")


@pytest.fixture(scope="session", autouse=True)
def migrated_database(alembic_config: Config) -> Iterator[None]:
    command.upgrade(alembic_config, "head")
    yield
    command.downgrade(alembic_config, "base")


@pytest.fixture
async def app(settings: Settings, anyio_backend: str) -> AsyncIterator[FastAPI]:
    """A fully started app (lifespan included) on an empty items table."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.engine.begin() as connection:
            await connection.execute(delete(Item))
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client of that app."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
