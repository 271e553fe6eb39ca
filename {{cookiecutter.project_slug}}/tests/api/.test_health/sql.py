import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def silent_listener() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never answers, like a hung database."""
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


async def test_not_ready_while_the_database_is_unreachable(anyio_backend: str) -> None:
    # Nothing listens on port 1: connecting is refused at once.
    settings = Settings(
        database_url="postgresql+asyncpg://app:secret@127.0.0.1:1/app",  # type: ignore[arg-type]
        readiness_timeout=2,
        log_level="WARNING",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            ready = await client.get("/health/ready")
            live = await client.get("/health")

    assert ready.status_code == 503
    # The cause goes to the log only: the public answer names no exception.
    assert ready.json() == {"status": "unavailable", "reason": "database unavailable"}
    assert "secret" not in ready.text
    assert live.status_code == 200


async def test_not_ready_when_the_database_does_not_answer_in_time(anyio_backend: str) -> None:
    async with silent_listener() as port:
        settings = Settings(
            database_url=f"postgresql+asyncpg://app:secret@127.0.0.1:{port}/app",  # type: ignore[arg-type]
            readiness_timeout=0.5,
            db_connect_timeout=30,
            log_level="WARNING",
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = ASGITransport(app=app)
            async with AsyncClient(transport=transport, base_url="http://test") as client:
                started = time.monotonic()
                ready = await client.get("/health/ready")
                waited = time.monotonic() - started

    assert ready.status_code == 503
    assert ready.json()["reason"] == "database unavailable"
    # The probe's own timeout, not the 30 s connect timeout, decided.
    assert waited < 5
