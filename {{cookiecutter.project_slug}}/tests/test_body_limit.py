from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

pytestmark = pytest.mark.anyio
LIMIT = 1_000


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[AsyncClient]:
    app = create_app(settings.model_copy(update={"max_request_body_bytes": LIMIT}))

    @app.post("/echo-size")
    async def echo_size(body: dict[str, str]) -> int:
        return len(body.get("text", ""))

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client


async def test_a_body_within_the_limit_is_served(limited: AsyncClient) -> None:
    response = await limited.post("/echo-size", json={"text": "x" * (LIMIT - 20)})

    assert response.status_code == 200


async def test_a_declared_length_over_the_limit_is_413(limited: AsyncClient) -> None:
    response = await limited.post("/echo-size", json={"text": "x" * LIMIT})

    assert response.status_code == 413
    assert response.json() == {"detail": f"The request body is larger than {LIMIT} bytes"}


async def test_a_chunked_body_over_the_limit_is_413(limited: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(10):
            yield b"x" * 200
        yield b'"}'

    response = await limited.post(
        "/echo-size", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
