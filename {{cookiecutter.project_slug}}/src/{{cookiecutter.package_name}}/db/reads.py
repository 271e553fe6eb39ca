"""Run SELECTs on the hot paths, with asyncpg doing the work on PostgreSQL.

SQLAlchemy still writes the SQL (from the models) and owns the pool. On PostgreSQL a read then
goes straight to the asyncpg connection that the pool lent out, and the rows come back as
asyncpg's records: SQLAlchemy's execution and row processing would add about a third to a
primary-key read and half to a page of 50 items. Other databases, such as SQLite for local runs
and tests, take SQLAlchemy's usual path. Both return rows as mappings of column to value.
"""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Dialect, Select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine

# A row, by column name (SQLAlchemy's rows also take column objects as keys).
Row = Mapping[Any, Any]
AnySelect = Select[*tuple[Any, ...]]


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


async def _asyncpg_connection(connection: AsyncConnection) -> Any:
    return (await connection.get_raw_connection()).driver_connection


async def fetch_all(
    connection: AsyncConnection, statement: AnySelect, **parameters: Any
) -> Sequence[Row]:
    """Every row the statement returns."""
    if connection.dialect.driver != "asyncpg":
        return (await connection.execute(statement, parameters)).mappings().all()
    sql, names = compile_for_asyncpg(statement, connection.dialect)
    driver = await _asyncpg_connection(connection)
    rows: Sequence[Row] = await driver.fetch(sql, *(parameters[name] for name in names))
    return rows


async def fetch_first(
    connection: AsyncConnection, statement: AnySelect, **parameters: Any
) -> Row | None:
    """The first row the statement returns, or None if it returns none."""
    if connection.dialect.driver != "asyncpg":
        return (await connection.execute(statement, parameters)).mappings().first()
    sql, names = compile_for_asyncpg(statement, connection.dialect)
    driver = await _asyncpg_connection(connection)
    row: Row | None = await driver.fetchrow(sql, *(parameters[name] for name in names))
    return row
