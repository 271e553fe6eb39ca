import pytest
from httpx import AsyncClient

pytestmark = pytest.mark.anyio


async def test_info_names_the_running_build(client: AsyncClient) -> None:
    response = await client.get("/info")

    assert response.status_code == 200
    assert response.json() == {
        "name": "{{ cookiecutter.project_slug }}",
        "version": "dev",
        "environment": "local",
    }
