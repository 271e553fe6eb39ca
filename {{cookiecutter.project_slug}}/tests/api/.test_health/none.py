import pytest
from httpx import AsyncClient

pytestmark = pytest.mark.anyio


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
