"""The asyncpg fast path: its SQL, what it refuses, and that it keeps to transactions."""

import enum

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Enum,
    Integer,
    MetaData,
    Numeric,
    Table,
    Text,
    Uuid,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from {{ cookiecutter.package_name }}.api.items.queries import SELECT_ITEM, SELECT_PAGE
from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db.engine import create_engine
from {{ cookiecutter.package_name }}.db.models import Item
from {{ cookiecutter.package_name }}.db.reads import compile_for_asyncpg, fetch_all, fetch_first


class Colour(enum.Enum):
    RED = "red"


PAINT = Table(
    "paint",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("colour", Enum(Colour)),
    Column("price", Numeric(asdecimal=False)),
)


def test_item_reads_compile_to_positional_sql() -> None:
    compiled = compile_for_asyncpg(SELECT_ITEM, PGDialect_asyncpg())
    assert compiled is not None
    sql, names = compiled
    assert names == ["item_id"]
    assert "items.id = $1" in sql

    compiled = compile_for_asyncpg(SELECT_PAGE, PGDialect_asyncpg())
    assert compiled is not None
    sql, names = compiled
    assert names == ["after", "limit_plus_one"]
    assert "items.id > $1" in sql
    assert "LIMIT $2" in sql


@pytest.mark.parametrize("column", [PAINT.c.colour, PAINT.c.price], ids=["enum", "numeric"])
def test_columns_sqlalchemy_converts_take_its_path(column: Column[object]) -> None:
    assert compile_for_asyncpg(select(column).where(PAINT.c.id == 1), PGDialect_asyncpg()) is None


# Columns of the kinds a migration adds, whose values SQLAlchemy converts (or may).
CONVERTED = {
    "numeric": cast(Item.id, Numeric(10, 2)),
    "json": func.json_build_object("id", Item.id, type_=JSON),
    "uuid": cast(func.md5(cast(Item.id, Text)), Uuid),
    "timestamptz": Item.created_at,
    "enum": cast(literal_column("'RED'"), Enum(Colour, native_enum=False)),
}


@pytest.mark.anyio
@pytest.mark.parametrize("kind", list(CONVERTED))
async def test_a_converted_column_reads_as_sqlalchemy_reads_it(
    settings: Settings, anyio_backend: str, kind: str
) -> None:
    """What `make revision` leads to (a Numeric price, say) must never fail on PostgreSQL."""
    if settings.sqlalchemy_url.get_backend_name() != "postgresql":
        pytest.skip("the fast path only runs on PostgreSQL: set DATABASE_URL to one")
    column = CONVERTED[kind]
    statement = select(column.label("value")).where(Item.id == bindparam("item_id"))
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            added = insert(Item).values(name=f"read-{kind}").returning(Item.id)
            item_id = (await connection.execute(added)).scalar_one()
            through_reads = await fetch_first(connection, statement, item_id=item_id)
            through_sqlalchemy = (
                (await connection.execute(statement, {"item_id": item_id})).mappings().first()
            )
            await connection.execute(delete(Item).where(Item.id == item_id))
    finally:
        await engine.dispose()
    assert through_reads is not None
    assert through_sqlalchemy is not None
    assert through_reads["value"] == through_sqlalchemy["value"]
    assert type(through_reads["value"]) is type(through_sqlalchemy["value"])


@pytest.mark.anyio
async def test_reads_inside_a_transaction_see_its_snapshot(
    settings: Settings, anyio_backend: str
) -> None:
    if settings.sqlalchemy_url.get_backend_name() != "postgresql":
        pytest.skip("the fast path only runs on PostgreSQL: set DATABASE_URL to one")
    engine = create_engine(settings)
    names = ["before", "added-meanwhile"]
    try:
        async with engine.connect() as connection:
            await connection.execute(insert(Item).values(name=names[0]))
        async with engine.connect() as reader:
            await reader.execution_options(isolation_level="REPEATABLE READ")
            async with reader.begin():
                first = await fetch_all(reader, SELECT_PAGE, after=0, limit_plus_one=1000)
                async with engine.connect() as writer:
                    await writer.execute(insert(Item).values(name=names[1]))
                second = await fetch_all(reader, SELECT_PAGE, after=0, limit_plus_one=1000)

        # One snapshot for the whole transaction: the row committed meanwhile is not in it.
        assert [row["name"] for row in second] == [row["name"] for row in first] == names[:1]
    finally:
        async with engine.connect() as connection:
            await connection.execute(delete(Item).where(Item.name.in_(names)))
        await engine.dispose()
