{% if cookiecutter.database != "none" %}
import pytest
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
{% else %}
import pytest
from httpx import AsyncClient
{% endif %}

pytestmark = pytest.mark.anyio


async def test_liveness(client: AsyncClient) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "reason": None}


async def test_ready(client: AsyncClient) -> None:
    response = await client.get("/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "reason": None}
{% if cookiecutter.database != "none" %}


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
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["reason"].startswith("database unreachable")
    assert "secret" not in ready.text
    assert live.status_code == 200
{% endif %}
