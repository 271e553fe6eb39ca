"""Run SELECTs on the hot paths, with asyncpg doing the work on PostgreSQL.

SQLAlchemy still writes the SQL (from the models) and owns the pool. On PostgreSQL a read then
goes straight to the asyncpg connection that the pool lent out, and the rows come back as
asyncpg's records: SQLAlchemy's execution and row processing would add about a third to a
primary-key read and half to a page of 50 items. Other databases, such as SQLite for local runs
and tests, take SQLAlchemy's usual path, and so does a read inside `connection.begin()`, which
SQLAlchemy may not have started on the driver yet. Both return rows as mappings of column to
value.
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
def compile_for_asyncpg(statement: AnySelect, dialect: Dialect) -> tuple[str, list[str]]:
    """The statement's SQL for asyncpg and the names of its parameters in order, compiled once.

    Refuses statements whose parameters or columns SQLAlchemy would convert (enums, JSON,
    floats from NUMERIC, ...): asyncpg would hand those over unconverted.
    """
    compiled = statement.compile(dialect=dialect)
    converted = [
        f"parameter {name!r}"
        for name, parameter in compiled.binds.items()
        if parameter.type.dialect_impl(dialect).bind_processor(dialect) is not None
    ] + [
        f"column {column.name!r}"
        for column in statement.selected_columns
        if _converts_results(column.type, dialect)
    ]
    if converted:
        raise TypeError(
            f"SQLAlchemy converts the {', '.join(converted)} of this statement: "
            "run it with connection.execute() instead"
        )
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


async def fetch_all(
    connection: AsyncConnection, statement: AnySelect, **parameters: Any
) -> Sequence[Row]:
    """Every row the statement returns."""
    if connection.dialect.driver != "asyncpg" or connection.in_transaction():
        return (await connection.execute(statement, parameters)).mappings().all()
    sql, names = compile_for_asyncpg(statement, connection.dialect)
    async with asyncpg_connection(connection) as driver:
        rows: Sequence[Row] = await driver.fetch(sql, *(parameters[name] for name in names))
    return rows


async def fetch_first(
    connection: AsyncConnection, statement: AnySelect, **parameters: Any
) -> Row | None:
    """The first row the statement returns, or None if it returns none."""
    if connection.dialect.driver != "asyncpg" or connection.in_transaction():
        return (await connection.execute(statement, parameters)).mappings().first()
    sql, names = compile_for_asyncpg(statement, connection.dialect)
    async with asyncpg_connection(connection) as driver:
        row: Row | None = await driver.fetchrow(sql, *(parameters[name] for name in names))
    return row
