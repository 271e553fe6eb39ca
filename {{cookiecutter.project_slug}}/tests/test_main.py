import pytest
from httpx import ASGITransport, AsyncClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

pytestmark = pytest.mark.anyio
DOCS = ("/docs", "/redoc", "/openapi.json")


async def status_codes(settings: Settings) -> list[int]:
    app = create_app(settings)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        return [(await client.get(path)).status_code for path in DOCS]


@pytest.mark.parametrize(
    ("environment", "api_docs", "served"),
    [
        ("local", None, True),
        ("staging", None, False),
        ("production", None, False),
        ("production", True, True),
        ("local", False, False),
    ],
)
async def test_api_docs_are_served_locally_and_elsewhere_only_when_turned_on(
    settings: Settings, environment: str, api_docs: bool | None, served: bool
) -> None:
    configured = settings.model_copy(update={"environment": environment, "api_docs": api_docs})

    assert await status_codes(configured) == [200 if served else 404] * len(DOCS)
