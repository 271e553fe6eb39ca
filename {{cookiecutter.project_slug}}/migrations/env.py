"""Alembic entry point: runs migrations against the service's own database settings.

On deploy an init container runs `alembic upgrade head` in every new task before the app
starts. On PostgreSQL the upgrade holds an advisory lock, so when several tasks start at once
one migrates and the others wait, then find nothing left to do. With DB_APP_USER set, every
upgrade ends by bringing the service's own role in step with the models (db/app_role.py).
"""

import asyncio
import zlib

from alembic import context
from sqlalchemy import Connection, pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.db.app_role import grant_app_role
from {{ cookiecutter.package_name }}.db.engine import tls_connect_args
from {{ cookiecutter.package_name }}.db.models import Base
from {{ cookiecutter.package_name }}.logs import configure_logging

# Stable per service, so services sharing a database do not wait on each other.
MIGRATION_LOCK_KEY = zlib.crc32(b"{{ cookiecutter.package_name }} migrations")

settings = load_settings()
configure_logging(settings.log_level)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place: Alembic rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Released when the transaction commits: after the migrations, all or nothing.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
        context.run_migrations()
        if settings.db_app_user is not None and connection.dialect.name == "postgresql":
            grant_app_role(connection, settings.db_app_user, Base.metadata)


async def run_migrations_online() -> None:
    url = settings.sqlalchemy_url
    engine = create_async_engine(
        url,
        poolclass=pool.NullPool,
        hide_parameters=True,
        connect_args={} if url.get_backend_name() == "sqlite" else tls_connect_args(settings),
    )
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
    await engine.dispose()


if context.is_offline_mode():
    # `alembic upgrade head --sql`: print the SQL for review instead of running it.
    context.configure(
        url=settings.sqlalchemy_url.render_as_string(hide_password=True),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_migrations_online())
