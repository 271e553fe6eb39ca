import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

pytestmark = pytest.mark.anyio


class Count(BaseModel):
    count: int


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[AsyncClient]:
    """A client of the app with a route that fails. Logs go to file descriptor 1 (capfd)."""
    app = create_app(settings.model_copy(update={"log_level": "INFO"}))

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret detail")

    @app.post("/count")
    async def count(body: Count) -> Count:
        return body

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client


def log_lines(capfd: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capfd.readouterr().out.splitlines()]


async def test_request_id_is_generated_and_echoed(settings: Settings) -> None:
    async with serve(settings) as client:
        first = await client.get("/health")
        second = await client.get("/health")

    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_security_headers_are_on_every_response(settings: Settings) -> None:
    async with serve(settings) as client:
        responses = [await client.get("/health"), await client.get("/boom")]
        responses.append(await client.get("/nowhere"))

    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


async def test_browsers_are_told_to_use_https_only_when_it_is_served_so(
    settings: Settings,
) -> None:
    async with serve(settings.model_copy(update={"https_only": True})) as client:
        response = await client.get("/health")

    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_browsers_are_not_told_to_use_https_over_plain_http(settings: Settings) -> None:
    """HSTS on a service served over plain HTTP would make browsers refuse it."""
    async with serve(settings) as client:
        response = await client.get("/health")

    assert "strict-transport-security" not in response.headers


async def test_incoming_request_id_is_kept(settings: Settings) -> None:
    async with serve(settings) as client:
        response = await client.get("/health", headers={"X-Request-ID": "lb-1234.abc"})

    assert response.headers["x-request-id"] == "lb-1234.abc"


async def test_malformed_request_id_is_replaced(settings: Settings) -> None:
    async with serve(settings) as client:
        response = await client.get("/health", headers={"X-Request-ID": 'a b"c' * 50})

    assert len(response.headers["x-request-id"]) == 32


async def test_one_json_log_line_per_request(
    settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    async with serve(settings) as client:
        response = await client.get("/health", headers={"X-Request-ID": "req-1"})

    access = [line for line in log_lines(capfd) if line.get("path") == "/health"]
    assert response.status_code == 200
    assert len(access) == 1
    assert access[0]["method"] == "GET"
    assert access[0]["status"] == 200
    assert access[0]["request_id"] == "req-1"
    assert access[0]["duration_ms"] >= 0


async def test_unhandled_error_is_a_json_500_without_the_traceback(
    settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    async with serve(settings) as client:
        response = await client.get("/boom")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    assert "secret detail" not in response.text
    errors = [line for line in log_lines(capfd) if line["level"] == "ERROR"]
    assert "RuntimeError: secret detail" in errors[0]["exception"]
    assert errors[0]["request_id"] == response.headers["x-request-id"]


async def test_unknown_route_is_a_json_404(settings: Settings) -> None:
    async with serve(settings) as client:
        response = await client.get("/nope")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


async def test_invalid_input_that_is_not_valid_unicode_is_still_a_422(settings: Settings) -> None:
    # An unpaired surrogate is valid JSON; the 422 echoes it back, escaped.
    async with serve(settings) as client:
        response = await client.post(
            "/count",
            content=b'{"count": "\\ud800"}',
            headers={"Content-Type": "application/json"},
        )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "count"]
    assert response.json()["detail"][0]["input"] == "\ud800"
