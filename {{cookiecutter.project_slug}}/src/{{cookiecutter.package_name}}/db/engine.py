"""The connection pool, and the connection a route borrows from it: `connection: Connection`."""

import ssl
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db.credentials import (
    Credentials,
    IamAuthTokens,
    RotatingCredentials,
)


def tls_connect_args(settings: Settings) -> dict[str, Any]:
    """asyncpg's TLS options: with DB_SSL_ROOT_CERT, verify the server's certificate and name
    (verify-full); without, asyncpg's default (TLS when the server offers it, unverified)."""
    if settings.db_ssl_root_cert is None:
        return {}
    return {"ssl": ssl.create_default_context(cafile=settings.db_ssl_root_cert)}


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.sqlalchemy_url
    # A failed statement's error (and so its log line) shows the SQL, never the request's data.
    hidden: dict[str, Any] = {"hide_parameters": True}
    # Each route runs a single statement, atomic on its own: autocommit saves the BEGIN and
    # ROLLBACK round trips a transaction per request would cost. For several statements that
    # must commit together, use `connection.execution_options(isolation_level="READ COMMITTED")`
    # and `async with connection.begin():`.
    if url.get_backend_name() == "sqlite":
        return create_async_engine(url, isolation_level="AUTOCOMMIT", **hidden)
    connect_args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout,
        "server_settings": {
            "application_name": "{{ cookiecutter.project_slug }}",
            # A request stuck behind a lock is answered 503 instead of waiting for shutdown.
            "statement_timeout": str(round(settings.db_statement_timeout * 1000)),
        },
        **tls_connect_args(settings),
    }
    connecting: dict[str, Any] = {"connect_args": connect_args}
    # On ECS: an IAM token for each new connection (Settings requires AWS_REGION with it).
    if settings.db_iam_auth and settings.aws_region is not None:
        tokens = IamAuthTokens(settings.aws_region)
        connecting = {"async_creator": tokens.connector(url, **connect_args)}
    # With a password: new connections follow the secret through RDS's password rotations.
    elif settings.db_secret_arn is not None:
        credentials = RotatingCredentials(
            settings.db_secret_arn, Credentials(url.username or "", url.password or "")
        )
        connecting = {"async_creator": credentials.connector(url, **connect_args)}
    return create_async_engine(
        url,
        isolation_level="AUTOCOMMIT",
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # Fail a request fast rather than queue it behind an exhausted pool.
        pool_timeout=settings.db_connect_timeout,
        # Replace connections before anything between us and the database drops them idle.
        pool_recycle=1800,
        **connecting,
        **hidden,
    )


async def request_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    """A connection from the pool for one request."""
    engine: AsyncEngine = request.app.state.engine
    # Closed in `finally` rather than by `async with`, whose exit closes in a task of its own so
    # that a cancelled caller cannot abandon the close halfway: FastAPI already shields a
    # dependency's exit from cancellation, and that task would cost every request.
    connection = await engine.connect()
    try:
        yield connection
    finally:
        await connection.close()


# scope="function": the connection goes back to the pool when the route returns, before the
# response is sent, so a slow client never holds one.
Connection = Annotated[AsyncConnection, Depends(request_connection, scope="function")]


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
