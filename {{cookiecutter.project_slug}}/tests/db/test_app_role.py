"""The service's own role, as the migrations leave it: it serves the API, and changes no table."""

import asyncio
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.config import Config
from httpx import ASGITransport, AsyncClient
from pydantic import SecretStr
from sqlalchemy import NullPool, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app

pytestmark = pytest.mark.anyio

ROLE = "service_under_test"
PASSWORD = "only-for-this-test"  # on RDS the role has none: it logs in with IAM tokens


def as_owner(settings: Settings, *statements: str) -> None:
    async def run() -> None:
        engine = create_async_engine(
            settings.sqlalchemy_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(run())


@pytest.fixture
def app_role(
    settings: Settings, alembic_config: Config, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    """The settings of a service connecting as ROLE, after an upgrade that set it up."""
    url = settings.sqlalchemy_url
    if url.get_backend_name() != "postgresql":
        pytest.skip("database roles need PostgreSQL: set DATABASE_URL to one")
    monkeypatch.setenv("DB_APP_USER", ROLE)
    command.upgrade(alembic_config, "head")
    # Again, as every deploy does: creating and granting must be idempotent.
    command.upgrade(alembic_config, "head")
    as_owner(settings, f"ALTER ROLE {ROLE} PASSWORD '{PASSWORD}'")
    role_url = url.set(username=ROLE, password=PASSWORD)
    try:
        yield settings.model_copy(
            update={"database_url": SecretStr(role_url.render_as_string(hide_password=False))}
        )
    finally:
        as_owner(settings, f"DROP OWNED BY {ROLE}", f"DROP ROLE {ROLE}")


async def test_the_role_serves_every_route(app_role: Settings, anyio_backend: str) -> None:
    app = create_app(app_role)
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        created = await client.post("/items", json={"name": "made-by-the-role"})
        assert created.status_code == 201, created.text
        location = created.headers["location"]
        assert (await client.get(location)).status_code == 200
        assert (await client.get("/items")).status_code == 200
        assert (await client.patch(location, json={"description": "x"})).status_code == 200
        assert (await client.delete(location)).status_code == 204
        assert (await client.get("/health/ready")).status_code == 200


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TABLE intruder (id integer)",
        "ALTER TABLE items ADD COLUMN intruder integer",
        "DROP TABLE items",
        "TRUNCATE items",
        "CREATE INDEX intruder ON items (description)",
        "UPDATE alembic_version SET version_num = 'intruder'",
        "CREATE SCHEMA intruder",
    ],
)
async def test_the_role_cannot_change_the_schema(
    app_role: Settings, anyio_backend: str, statement: str
) -> None:
    engine = create_async_engine(app_role.sqlalchemy_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            with pytest.raises(ProgrammingError, match=r"permission denied|must be owner"):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def test_the_migrations_refuse_to_take_their_own_role_for_the_service(
    settings: Settings, alembic_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Granting the owner rds_iam would lock the migrations out of their password login."""
    if settings.sqlalchemy_url.get_backend_name() != "postgresql":
        pytest.skip("database roles need PostgreSQL: set DATABASE_URL to one")
    monkeypatch.setenv("DB_APP_USER", settings.sqlalchemy_url.username or "")

    with pytest.raises(ValueError, match="may administer the database"):
        command.upgrade(alembic_config, "head")
