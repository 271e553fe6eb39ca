import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

pytestmark = pytest.mark.anyio

NOT_READY = {"status": "unavailable", "reason": "database unavailable"}


async def readiness(settings: Settings) -> tuple[int, dict[str, str | None], float]:
    """GET /health/ready of an app with these settings: status, body, and seconds it took."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            started = time.monotonic()
            ready = await client.get("/health/ready")
            waited = time.monotonic() - started
            assert (await client.get("/health")).status_code == 200
    return ready.status_code, ready.json(), waited


@asynccontextmanager
async def silent_listener() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never answers, like a hung endpoint."""
    writers: list[asyncio.StreamWriter] = []

    def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_liveness(client: AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "reason": None}


@pytest.mark.parametrize("path", ["/health", "/health/ready"])
async def test_probes_answer_head(client: AsyncClient, path: str) -> None:
    response = await client.head(path)

    assert response.status_code == 200
    assert response.content == b""


async def test_ready(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "reason": None}


async def test_not_ready_while_dynamodb_is_unreachable(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 1: connecting is refused at once.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")

    status, body, _ = await readiness(settings)

    # The cause goes to the log only: the public answer names no exception.
    assert (status, body) == (503, NOT_READY)


async def test_not_ready_without_the_table(settings: Settings) -> None:
    status, body, _ = await readiness(settings.model_copy(update={"items_table": "missing"}))

    assert (status, body) == (503, NOT_READY)


async def test_not_ready_when_dynamodb_does_not_answer_in_time(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with silent_listener() as port:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        slow = settings.model_copy(update={"readiness_timeout": 0.5, "table_timeout": 30})
        status, body, waited = await readiness(slow)

    assert (status, body) == (503, NOT_READY)
    # The probe's own timeout, not the 30 s call timeout, decided.
    assert waited < 5
