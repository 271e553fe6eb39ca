import asyncio
import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.stub import Stubber
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.table import ATTEMPTS

pytestmark = pytest.mark.anyio


async def create(client: AsyncClient, name: str, **fields: Any) -> dict[str, Any]:
    response = await client.post("/items", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()
    return item


async def test_create_then_get(client: AsyncClient) -> None:
    response = await client.post("/items", json={"name": "widget", "description": "blue"})

    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "widget"
    assert created["description"] == "blue"
    assert response.headers["location"] == f"/items/{created['id']}"
    fetched = await client.get(response.headers["location"])
    assert fetched.status_code == 200
    assert fetched.json() == created


async def test_get_missing_item_is_404(client: AsyncClient) -> None:
    missing = uuid.uuid4()

    response = await client.get(f"/items/{missing}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"Item {missing} not found"}


@pytest.mark.parametrize("item_id", ["abc", "1", "0" * 33, "name#widget", "item#x"])
async def test_invalid_ids_are_422(client: AsyncClient, item_id: str) -> None:
    response = await client.get(f"/items/{item_id}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "item_id"]


def test_the_schema_says_what_ids_and_pages_the_routes_take(settings: Settings) -> None:
    """A client generated from the schema (or a fuzzer) must not send what is always a 422."""
    paths = create_app(settings).openapi()["paths"]
    (item_id,) = paths["/items/{item_id}"]["get"]["parameters"]
    assert item_id["schema"]["format"] == "uuid"
    queries = {query["name"]: query["schema"] for query in paths["/items"]["get"]["parameters"]}
    assert (queries["limit"]["minimum"], queries["limit"]["maximum"]) == (1, 100)
    assert queries["after"]["anyOf"][0]["pattern"] == "^[A-Za-z0-9_-]{21}[AQgw]$"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "description": "x" * 1001}, "description"),
        ({"name": "ok", "colour": "red"}, "colour"),
        # A NUL character: refused before it reaches the table.
        ({"name": "a\u0000b"}, "name"),
        ({"name": "ok", "description": "nul \u0000 inside"}, "description"),
    ],
)
async def test_invalid_bodies_are_422_naming_the_field(
    client: AsyncClient, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/items", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_an_unpaired_surrogate_is_422(client: AsyncClient) -> None:
    # Valid JSON (an escape), but no valid Unicode text: the database could not store it.
    response = await client.post(
        "/items",
        content=b'{"name": "bad \\ud800 half"}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


async def test_duplicate_name_is_409(client: AsyncClient) -> None:
    await create(client, "widget")

    response = await client.post("/items", json={"name": "widget"})

    assert response.status_code == 409
    assert "widget" in response.json()["detail"]


async def test_list_pages_through_every_item_once(client: AsyncClient) -> None:
    created = [(await create(client, f"item-{number:02}"))["id"] for number in range(5)]

    seen: list[str] = []
    after: str | None = None
    while True:
        params = {"limit": 2} if after is None else {"limit": 2, "after": after}
        page = (await client.get("/items", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        after = page["next_after"]
        if after is None:
            break

    # The table's order, not the order of creation: each item exactly once.
    assert sorted(seen) == sorted(created)
    assert len(seen) == len(created)


async def test_a_cursor_to_an_item_since_deleted_still_pages_on(client: AsyncClient) -> None:
    for number in range(3):
        await create(client, f"item-{number}")
    first = (await client.get("/items", params={"limit": 1})).json()
    await client.delete(f"/items/{first['items'][0]['id']}")

    rest = await client.get("/items", params={"after": first["next_after"]})

    assert rest.status_code == 200


async def test_any_cursor_of_the_documented_form_is_accepted(client: AsyncClient) -> None:
    """What the schema allows, the route takes: a fuzzer's made-up cursor is a page."""
    made_up = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")

    response = await client.get("/items", params={"after": made_up})

    assert response.status_code == 200


async def test_a_page_is_full_although_names_share_the_table(client: AsyncClient) -> None:
    for number in range(7):
        await create(client, f"item-{number}")

    page = (await client.get("/items", params={"limit": 3})).json()

    assert len(page["items"]) == 3
    assert page["next_after"] is not None


async def test_list_defaults_and_empty_table(client: AsyncClient) -> None:
    response = await client.get("/items")

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_after": None}


@pytest.mark.parametrize("limit", [0, 101, -1])
async def test_page_size_is_bounded(client: AsyncClient, limit: int) -> None:
    response = await client.get("/items", params={"limit": limit})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


async def test_maximum_page_size_is_accepted(client: AsyncClient) -> None:
    response = await client.get("/items", params={"limit": 100})

    assert response.status_code == 200


async def test_patch_changes_only_the_given_fields(client: AsyncClient) -> None:
    item = await create(client, "widget", description="blue")

    response = await client.patch(f"/items/{item['id']}", json={"description": "red"})

    assert response.status_code == 200
    assert response.json()["name"] == "widget"
    assert response.json()["description"] == "red"
    assert response.json()["updated_at"] >= item["updated_at"]


async def test_patch_with_nothing_to_change_returns_the_item(client: AsyncClient) -> None:
    item = await create(client, "widget")

    response = await client.patch(f"/items/{item['id']}", json={})

    assert response.status_code == 200
    assert response.json() == item


async def test_patch_refuses_text_the_database_cannot_store(client: AsyncClient) -> None:
    item = await create(client, "widget")

    response = await client.patch(f"/items/{item['id']}", json={"description": "\u0000"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "description"]


async def test_timestamps_carry_their_utc_offset(client: AsyncClient) -> None:
    item = await create(client, "widget")

    for field in ("created_at", "updated_at"):
        moment = datetime.fromisoformat(item[field])
        assert moment.utcoffset() == timedelta(0), item[field]


@pytest.mark.parametrize(
    "after",
    [
        "1",
        "!" * 22,
        # base64url of 16 bytes but for its last character, which holds only 2 bits.
        "A" * 21 + "B",
        # base64url of more bytes than an id: a name's key, say.
        base64.urlsafe_b64encode(b"name#widget-and-more").decode().rstrip("="),
        "A" * 22 + "==",
    ],
)
async def test_invalid_cursors_are_422(client: AsyncClient, after: str) -> None:
    response = await client.get("/items", params={"after": after})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after"]


async def test_names_that_look_the_same_are_the_same_name(client: AsyncClient) -> None:
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    created = await create(client, composed)

    response = await client.post("/items", json={"name": decomposed})

    assert created["name"] == composed
    assert response.status_code == 409


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e309"])
async def test_numbers_strict_json_has_not_are_refused_and_never_echoed_bare(
    client: AsyncClient, number: bytes
) -> None:
    response = await client.post(
        "/items",
        content=b'{"name": ' + number + b"}",
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 422
    # The body is strict JSON: it parses without NaN or Infinity.
    json.loads(response.text, parse_constant=lambda name: pytest.fail(f"{name} in the body"))


async def test_a_huge_invalid_input_is_not_echoed_whole(client: AsyncClient) -> None:
    response = await client.post("/items", json={"name": "x" * 100_000})

    assert response.status_code == 422
    assert len(response.content) < 2_000


async def test_deeply_nested_json_is_refused_without_an_error(client: AsyncClient) -> None:
    for depth in (500, 1_200, 5_000):
        body = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
        response = await client.post(
            "/items", content=body, headers={"Content-Type": "application/json"}
        )

        assert response.status_code in (400, 422), (depth, response.text)
        assert len(response.content) < 2_000


async def test_the_schema_says_what_the_service_refuses(client: AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]

    update_name = schemas["ItemUpdate"]["properties"]["name"]
    assert update_name.get("type") == "string", update_name  # null is refused, so not offered
    assert schemas["ItemCreate"]["properties"]["name"]["pattern"] == "^[^\\x00]*$"


async def test_patch_cannot_null_the_name(client: AsyncClient) -> None:
    item = await create(client, "widget")

    response = await client.patch(f"/items/{item['id']}", json={"name": None})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]


async def test_patch_to_a_taken_name_is_409(client: AsyncClient) -> None:
    await create(client, "widget")
    other = await create(client, "gadget")

    response = await client.patch(f"/items/{other['id']}", json={"name": "widget"})

    assert response.status_code == 409


async def test_patch_missing_item_is_404(client: AsyncClient) -> None:
    response = await client.patch(f"/items/{uuid.uuid4()}", json={"name": "widget"})

    assert response.status_code == 404


async def test_delete(client: AsyncClient) -> None:
    item = await create(client, "widget")

    deleted = await client.delete(f"/items/{item['id']}")
    deleted_again = await client.delete(f"/items/{item['id']}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert deleted_again.status_code == 404
    assert (await client.get(f"/items/{item['id']}")).status_code == 404


async def test_a_renamed_item_frees_its_old_name(client: AsyncClient) -> None:
    item = await create(client, "widget")

    renamed = await client.patch(f"/items/{item['id']}", json={"name": "gadget"})
    reused = await client.post("/items", json={"name": "widget"})

    assert renamed.status_code == 200
    assert reused.status_code == 201
    assert (await client.post("/items", json={"name": "gadget"})).status_code == 409


async def test_a_deleted_item_frees_its_name(client: AsyncClient) -> None:
    item = await create(client, "widget")
    await client.delete(f"/items/{item['id']}")

    assert (await client.post("/items", json={"name": "widget"})).status_code == 201


async def test_of_many_creates_of_one_name_one_wins(client: AsyncClient) -> None:
    """The name is claimed in the write's own transaction: racing requests cannot both win."""
    responses = await asyncio.gather(
        *(client.post("/items", json={"name": "widget"}) for _ in range(20))
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 19
    assert len((await client.get("/items")).json()["items"]) == 1


async def test_concurrent_updates_of_one_item_each_apply(client: AsyncClient) -> None:
    """A write conditional on what it read retries on a fresh read: none is undone."""
    item = await create(client, "widget")

    responses = await asyncio.gather(
        client.patch(f"/items/{item['id']}", json={"name": "gadget"}),
        client.patch(f"/items/{item['id']}", json={"description": "blue"}),
    )

    assert [response.status_code for response in responses] == [200, 200]
    final = (await client.get(f"/items/{item['id']}")).json()
    assert (final["name"], final["description"]) == ("gadget", "blue")


def table_client(app: FastAPI) -> Any:
    return app.state.items_table._client


@contextmanager
def throttling_endpoint() -> Iterator[list[str]]:
    """A loopback endpoint that throttles every DynamoDB call, and the operations it was asked."""
    asked: list[str] = []

    class Throttle(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            asked.append(self.headers["X-Amz-Target"].split(".")[-1])
            body = json.dumps(
                {
                    "__type": "com.amazonaws.dynamodb.v20120810#"
                    "ProvisionedThroughputExceededException",
                    "message": "throttled",
                }
            ).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.0")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Throttle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
            yield asked
    finally:
        server.shutdown()
        server.server_close()


async def test_a_throttled_table_is_503_with_retry_after(settings: Settings) -> None:
    """DynamoDB throttles: botocore retries with backoff, then the route answers 503."""
    with throttling_endpoint() as asked:
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = ASGITransport(app=app)
            async with AsyncClient(transport=transport, base_url="http://test") as client:
                response = await client.get(f"/items/{uuid.uuid4()}")

    assert asked == ["GetItem"] * ATTEMPTS
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == {"detail": "The database is unavailable: retry shortly"}


async def test_a_throttled_transaction_is_503(app: FastAPI, client: AsyncClient) -> None:
    """A part of the transaction throttled: botocore does not retry a cancelled one."""
    with Stubber(table_client(app)) as stubber:
        stubber.add_client_error(
            "transact_write_items",
            "TransactionCanceledException",
            http_status_code=400,
            response_meta={},
            modeled_fields={"CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}]},
        )
        response = await client.post("/items", json={"name": "widget"})

    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"


async def test_requests_while_dynamodb_is_unreachable_are_503(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 1: connecting is refused at once.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            responses = [
                await client.get("/items"),
                await client.get(f"/items/{uuid.uuid4()}"),
                await client.post("/items", json={"name": "widget"}),
            ]

    for response in responses:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json() == {"detail": "The database is unavailable: retry shortly"}
