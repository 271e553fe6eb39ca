"""Shared fixtures.

The suite runs on PostgreSQL when DATABASE_URL points at one (`make test` with the compose
database up, or CI), and on a throwaway SQLite file otherwise. The header pytest prints names
the backend in use.
"""

import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import delete

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db.models import Item
from {{ cookiecutter.package_name }}.main import create_app

# The database the environment or .env configures; never the developer's local.db: without
# one, a fresh SQLite file per run.
_configured = Settings()
if _configured.database_url is None and _configured.db_host is None:
    os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/test.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    url = Settings().sqlalchemy_url
    return f"database: {url.get_backend_name()} ({url.render_as_string(hide_password=True)})"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(environment="local", log_level="WARNING")


@pytest.fixture(scope="session")
def alembic_config() -> Config:
    return Config(PROJECT_ROOT / "alembic.ini")


@pytest.fixture(scope="session", autouse=True)
def migrated_database(alembic_config: Config) -> Iterator[None]:
    command.upgrade(alembic_config, "head")
    yield
    command.downgrade(alembic_config, "base")


@pytest.fixture
async def app(settings: Settings, anyio_backend: str) -> AsyncIterator[FastAPI]:
    """A fully started app (lifespan included) on an empty items table."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.engine.begin() as connection:
            await connection.execute(delete(Item))
        yield app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client of that app."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
