"""The engine: what a failed statement's error may show."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db.engine import create_engine

pytestmark = pytest.mark.anyio


async def test_a_failed_statement_does_not_show_its_parameters(settings: Settings) -> None:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError) as failure:
                await connection.execute(
                    text("SELECT name FROM no_such_table WHERE name = :name"),
                    {"name": "a customer's data"},
                )
    finally:
        await engine.dispose()
    assert "no_such_table" in str(failure.value)
    assert "a customer's data" not in str(failure.value)
