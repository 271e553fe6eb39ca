"""Run SELECTs with asyncpg doing the work on PostgreSQL, where that changes nothing but speed.

SQLAlchemy still writes the SQL (from the models) and owns the pool. On PostgreSQL a read then
goes straight to the asyncpg connection the pool lent out, skipping SQLAlchemy's execution and
row processing, which are most of a small read's cost. SQLAlchemy's usual path takes everything
else, so no statement ever behaves differently here: other databases (SQLite for local runs and
tests), a read inside `connection.begin()` (which SQLAlchemy may not have started on the driver
yet) and any statement whose parameters or columns SQLAlchemy converts (NUMERIC, JSON, enums,
...), which asyncpg would hand over unconverted. Both paths return the same rows, as mappings
of column name to value.
"""

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import asyncpg
from sqlalchemy import Dialect, Select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

# A row, by column name (SQLAlchemy's rows also take column objects as keys).
Row = Mapping[Any, Any]
AnySelect = Select[*tuple[Any, ...]]

# What asyncpg raises when the database closed the connection or is shutting down (a restart,
# a failover); a connection it closed also fails anything else with InterfaceError.
CONNECTION_ENDED = (
    ConnectionError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
)


class ConnectionLost(ConnectionError):
    """A read found its database connection gone: errors.py answers 503, as for other outages."""


@cache
def compile_for_asyncpg(statement: AnySelect, dialect: Dialect) -> tuple[str, list[str]] | None:
    """The statement's SQL for asyncpg and the names of its parameters in order, compiled once;
    None when SQLAlchemy converts any of its parameters or columns."""
    compiled = statement.compile(dialect=dialect)
    if any(
        parameter.type.dialect_impl(dialect).bind_processor(dialect) is not None
        for parameter in compiled.binds.values()
    ) or any(_converts_results(column.type, dialect) for column in statement.selected_columns):
        return None
    return str(compiled), list(compiled.positiontup or ())


def _converts_results(type_: TypeEngine[Any], dialect: Dialect) -> bool:
    try:
        return type_.dialect_impl(dialect).result_processor(dialect, None) is not None
    except Exception:
        # Some types (NUMERIC) choose their conversion from the type code of the result
        # column, which is not known here: count them as converted.
        return True


@asynccontextmanager
async def asyncpg_connection(connection: AsyncConnection) -> AsyncIterator[Any]:
    """The asyncpg connection under a pooled one, and what to do when it fails for good.

    As SQLAlchemy does when a statement of its own finds the connection gone (it never sees
    these fail): drop the connection, and every idle one with it, since a database that went
    away took them all. The next requests connect afresh instead of failing one by one.
    """
    pooled = await connection.get_raw_connection()
    driver: Any = pooled.driver_connection
    try:
        yield driver
    except Exception as error:
        if not (driver.is_closed() or isinstance(error, CONNECTION_ENDED)):
            raise
        pooled.invalidate(error)
        await connection.engine.dispose()
        raise ConnectionLost(f"the database connection ended: {error}") from error


def _fast_path(connection: AsyncConnection, statement: AnySelect) -> tuple[str, list[str]] | None:
    """The asyncpg SQL for this read, or None when it must take SQLAlchemy's path."""
    if connection.dialect.driver != "asyncpg" or connection.in_transaction():
        return None
    return compile_for_asyncpg(statement, connection.dialect)


async def fetch_all(
    connection: AsyncConnection, statement: AnySelect, **parameters: Any
) -> Sequence[Row]:
    """Every row the statement returns."""
    compiled = _fast_path(connection, statement)
    if compiled is None:
        return (await connection.execute(statement, parameters)).mappings().all()
    sql, names = compiled
    async with asyncpg_connection(connection) as driver:
        rows: Sequence[Row] = await driver.fetch(sql, *(parameters[name] for name in names))
    return rows


async def fetch_first(
    connection: AsyncConnection, statement: AnySelect, **parameters: Any
) -> Row | None:
    """The first row the statement returns, or None if it returns none."""
    compiled = _fast_path(connection, statement)
    if compiled is None:
        return (await connection.execute(statement, parameters)).mappings().first()
    sql, names = compiled
    async with asyncpg_connection(connection) as driver:
        row: Row | None = await driver.fetchrow(sql, *(parameters[name] for name in names))
    return row
