"""The asyncpg fast path's SQL, checked without a database (the item tests run it for real)."""

import enum

import pytest
from sqlalchemy import Column, Enum, Integer, MetaData, Numeric, Table, select
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from {{ cookiecutter.package_name }}.api.items import SELECT_ITEM, SELECT_PAGE
from {{ cookiecutter.package_name }}.db.reads import compile_for_asyncpg


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
    sql, names = compile_for_asyncpg(SELECT_ITEM, PGDialect_asyncpg())
    assert names == ["item_id"]
    assert "items.id = $1" in sql

    sql, names = compile_for_asyncpg(SELECT_PAGE, PGDialect_asyncpg())
    assert names == ["after", "limit_plus_one"]
    assert "items.id > $1" in sql
    assert "LIMIT $2" in sql


@pytest.mark.parametrize("column", [PAINT.c.colour, PAINT.c.price], ids=["enum", "numeric"])
def test_columns_sqlalchemy_converts_are_refused(column: Column[object]) -> None:
    with pytest.raises(TypeError, match=f"column '{column.name}'"):
        compile_for_asyncpg(select(column).where(PAINT.c.id == 1), PGDialect_asyncpg())
