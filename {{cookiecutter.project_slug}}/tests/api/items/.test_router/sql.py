import json
from contextlib import AsyncExitStack
from datetime import datetime, timedelta
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

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
    response = await client.get("/items/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Item 999999 not found"}


@pytest.mark.parametrize("item_id", ["abc", "0", str(2**63), "1_000", "1.0", "+1", "01", "1e3"])
async def test_invalid_ids_are_422(client: AsyncClient, item_id: str) -> None:
    response = await client.get(f"/items/{item_id}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "item_id"]


def test_the_schema_bounds_ids_and_page_sizes_as_the_routes_do(settings: Settings) -> None:
    """A client generated from the schema (or a fuzzer) must not send what is always a 422."""
    paths = create_app(settings).openapi()["paths"]
    (item_id,) = paths["/items/{item_id}"]["get"]["parameters"]
    assert (item_id["schema"]["minimum"], item_id["schema"]["maximum"]) == (1, 2**63 - 1)
    queries = {query["name"]: query["schema"] for query in paths["/items"]["get"]["parameters"]}
    assert (queries["limit"]["minimum"], queries["limit"]["maximum"]) == (1, 100)
    assert queries["after"]["minimum"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "description": "x" * 1001}, "description"),
        ({"name": "ok", "colour": "red"}, "colour"),
        # What a PostgreSQL text column cannot hold: refused before it reaches the database.
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

    seen: list[int] = []
    after: int | None = None
    while True:
        params = {"limit": 2} if after is None else {"limit": 2, "after": after}
        page = (await client.get("/items", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        after = page["next_after"]
        if after is None:
            break

    assert seen == created


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


@pytest.mark.parametrize("after", ["1_0", "1.5", "-1"])
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
    response = await client.patch("/items/999999", json={"name": "widget"})

    assert response.status_code == 404


async def test_delete(client: AsyncClient) -> None:
    item = await create(client, "widget")

    deleted = await client.delete(f"/items/{item['id']}")
    deleted_again = await client.delete(f"/items/{item['id']}")

    assert deleted.status_code == 204
    assert deleted.content == b""
    assert deleted_again.status_code == 404
    assert (await client.get(f"/items/{item['id']}")).status_code == 404


async def test_requests_while_the_database_is_unreachable_are_503(anyio_backend: str) -> None:
    settings = Settings(
        # Nothing listens on port 1: connecting is refused at once.
        database_url="postgresql+asyncpg://app:secret@127.0.0.1:1/app",  # type: ignore[arg-type]
        log_level="WARNING",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            responses = [
                await client.get("/items"),
                await client.get("/items/1"),
                await client.post("/items", json={"name": "widget"}),
            ]

    for response in responses:
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json() == {"detail": "The database is unavailable: retry shortly"}


async def test_after_the_database_dropped_its_connections_one_request_fails_then_all_work(
    client: AsyncClient, settings: Settings
) -> None:
    if settings.sqlalchemy_url.get_backend_name() != "postgresql":
        pytest.skip("ends connections with pg_terminate_backend: set DATABASE_URL to PostgreSQL")
    item = await create(client, "widget")
    engine = client._transport.app.state.engine  # type: ignore[attr-defined]
    async with AsyncExitStack() as stack:  # fill the pool: five connections, then all idle
        for _ in range(5):
            await stack.enter_async_context(engine.connect())

    # What a restart or failover of the database does to every connection the pool holds.
    killer = create_async_engine(settings.sqlalchemy_url, poolclass=NullPool)
    async with killer.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"
            ),
            {"name": "{{ cookiecutter.project_slug }}"},
        )
    await killer.dispose()

    first = await client.get(f"/items/{item['id']}")
    assert first.status_code == 503
    assert first.headers["retry-after"] == "5"
    for _ in range(5):
        assert (await client.get(f"/items/{item['id']}")).status_code == 200
