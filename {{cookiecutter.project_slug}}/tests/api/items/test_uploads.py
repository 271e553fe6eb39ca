"""Upload tickets for an item's file, taken by the emulated bucket (conftest.py) as S3 takes
them: the form fields and the file, posted straight to the bucket."""

import base64
import json

import httpx
import pytest
from botocore.session import get_session
from httpx import AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.storage import MAX_UPLOAD_BYTES
from tests.conftest import REGION, UNUSED_ITEM_ID

pytestmark = pytest.mark.anyio


def post_file(ticket: dict[str, object], content: bytes) -> httpx.Response:
    fields = ticket["fields"]
    assert isinstance(fields, dict)
    files = {"file": ("photo.jpg", content, "image/jpeg")}
    return httpx.post(str(ticket["url"]), data=fields, files=files, timeout=10)


async def test_a_ticket_lets_the_client_upload_the_items_file(
    client: AsyncClient, assets_bucket: str
) -> None:
    item = (await client.post("/items", json={"name": "widget"})).json()

    response = await client.post(f"/items/{item['id']}/uploads")

    assert response.status_code == 201
    ticket = response.json()
    assert ticket["key"].startswith(f"items/{item['id']}/")
    assert ticket["max_bytes"] == MAX_UPLOAD_BYTES
    # What S3 enforces (the emulator does not): the size, the one key, the expiry.
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    assert ["content-length-range", 1, MAX_UPLOAD_BYTES] in policy["conditions"]
    assert {"key": ticket["key"]} in policy["conditions"]
    assert policy["expiration"].startswith(ticket["expires_at"][:16])
    assert post_file(ticket, b"\xff\xd8 a small picture").status_code in (200, 201, 204)
    s3 = get_session().create_client("s3", region_name=REGION)
    stored = s3.get_object(Bucket=assets_bucket, Key=ticket["key"])
    assert stored["Body"].read() == b"\xff\xd8 a small picture"


async def test_each_ticket_is_for_a_new_key(client: AsyncClient) -> None:
    item = (await client.post("/items", json={"name": "widget"})).json()

    first = (await client.post(f"/items/{item['id']}/uploads")).json()
    second = (await client.post(f"/items/{item['id']}/uploads")).json()

    assert first["key"] != second["key"]


async def test_no_ticket_for_an_item_that_does_not_exist(client: AsyncClient) -> None:
    response = await client.post(f"/items/{UNUSED_ITEM_ID}/uploads")

    assert response.status_code == 404


async def test_without_a_bucket_a_local_run_answers_503_naming_it(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"assets_bucket": None}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            item = (await client.post("/items", json={"name": "widget"})).json()
            response = await client.post(f"/items/{item['id']}/uploads")

    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "ASSETS_BUCKET" in response.json()["detail"]


def test_outside_local_the_service_does_not_start_without_a_bucket(settings: Settings) -> None:
    staging = settings.model_copy(update={"environment": "staging", "assets_bucket": None})

    with pytest.raises(SystemExit) as exit_info:
        create_app(staging)

    assert "ASSETS_BUCKET: required outside local runs" in str(exit_info.value.code)
