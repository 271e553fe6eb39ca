"""The items' events, published on an emulated bus (conftest.py) and read back from a queue
that a rule on the bus sends them to."""

import json
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.api.items.events import events_schema
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.events import EVENT_NOT_PUBLISHED, SOURCE
from {{ cookiecutter.package_name }}.main import create_app
from tests.conftest import PROJECT_ROOT, UNUSED_ITEM_ID, EventBus

pytestmark = pytest.mark.anyio


def details(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert all(event["source"] == SOURCE for event in events)
    assert all(event["detail-type"] == event["detail"]["type"] for event in events)
    return [event["detail"] for event in events]


async def test_each_write_publishes_its_event(client: AsyncClient, published: EventBus) -> None:
    created = await client.post("/items", json={"name": "widget"}, headers={"X-Request-ID": "r-1"})
    item = created.json()
    updated = await client.patch(f"/items/{item['id']}", json={"description": "blue"})
    deleted = await client.delete(f"/items/{item['id']}")
    assert (created.status_code, updated.status_code, deleted.status_code) == (201, 200, 204)

    creation, update, deletion = details(published.received())
    assert creation["type"] == "item.created"
    assert creation["schema_version"] == 1
    assert creation["item_id"] == item["id"]
    assert creation["item"] == item
    assert creation["request_id"] == "r-1" == created.headers["x-request-id"]
    assert update["type"] == "item.updated"
    assert update["item"] == updated.json()
    assert update["request_id"] == updated.headers["x-request-id"]
    assert deletion["type"] == "item.deleted"
    assert (deletion["item_id"], deletion["item"]) == (item["id"], None)
    assert len({creation["id"], update["id"], deletion["id"]}) == 3


async def test_writes_that_change_nothing_publish_nothing(
    client: AsyncClient, published: EventBus
) -> None:
    item = (await client.post("/items", json={"name": "widget"})).json()
    published.received()

    unchanged = await client.patch(f"/items/{item['id']}", json={})
    taken = await client.post("/items", json={"name": "widget"})
    invalid = await client.post("/items", json={"name": ""})
    missing = await client.delete(f"/items/{UNUSED_ITEM_ID}")

    assert [unchanged.status_code, taken.status_code, invalid.status_code] == [200, 409, 422]
    assert missing.status_code == 404
    assert published.received() == []


async def test_a_write_succeeds_when_its_event_cannot_be_published(
    settings: Settings, published: EventBus, capfd: pytest.CaptureFixture[str]
) -> None:
    """Two attempts, then the event is logged as not published (what the environment counts);
    the client has its 201 either way."""
    missing_bus = published.arn.rsplit("/", 1)[0] + "/no-such-bus"
    app = create_app(settings.model_copy(update={"event_bus_arn": missing_bus}))
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post("/items", json={"name": "unpublished"})

    assert response.status_code == 201
    lines = [json.loads(line) for line in capfd.readouterr().out.splitlines()]
    (given_up,) = [line for line in lines if line["message"] == EVENT_NOT_PUBLISHED]
    assert given_up["level"] == "WARNING"
    assert given_up["event_type"] == "item.created"
    assert "no-such-bus" in given_up["error"]
    assert published.received() == []


def test_the_documented_schema_is_the_events_own() -> None:
    """After changing ItemEvent, write docs/events.schema.json again (its module says how)."""
    documented = (PROJECT_ROOT / "docs" / "events.schema.json").read_text()
    assert documented == events_schema()
