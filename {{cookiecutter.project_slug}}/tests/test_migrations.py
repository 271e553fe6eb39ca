"""Migrations match the models, go down and back up, are named alike, and run once when tasks
race."""

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.config import Settings
from tests.conftest import PROJECT_ROOT


async def query(settings: Settings, sql: str) -> list[str]:
    engine = create_async_engine(settings.sqlalchemy_url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        rows = (await connection.execute(text(sql))).scalars().all()
    await engine.dispose()
    return list(rows)


def table_names(settings: Settings) -> list[str]:
    async def inspect_tables() -> list[str]:
        engine = create_async_engine(settings.sqlalchemy_url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        await engine.dispose()
        return names

    return asyncio.run(inspect_tables())


def test_models_and_migrations_agree(alembic_config: Config) -> None:
    # Fails when a model changed without a migration: run `make revision m="..."`.
    command.check(alembic_config)


def test_downgrade_to_base_and_back(alembic_config: Config, settings: Settings) -> None:
    command.downgrade(alembic_config, "base")
    try:
        assert "items" not in table_names(settings)
    finally:
        command.upgrade(alembic_config, "head")

    assert "items" in table_names(settings)


def test_concurrent_upgrades_migrate_once(alembic_config: Config, settings: Settings) -> None:
    if settings.sqlalchemy_url.get_backend_name() != "postgresql":
        pytest.skip("the migration lock is a PostgreSQL advisory lock: set DATABASE_URL to one")
    command.downgrade(alembic_config, "base")

    # What several new tasks' init containers do at the same moment.
    upgrades = [
        subprocess.Popen(
            [sys.executable, "-m", "alembic", "upgrade", "head"],
            cwd=PROJECT_ROOT,
            # Alembic's "Running upgrade" lines are INFO, whatever .env says.
            env={**os.environ, "LOG_LEVEL": "INFO"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(4)
    ]
    outputs = [upgrade.communicate(timeout=60)[0].decode() for upgrade in upgrades]

    assert [upgrade.returncode for upgrade in upgrades] == [0] * 4, outputs
    assert sum("Running upgrade" in output for output in outputs) == 1, outputs
    assert asyncio.run(query(settings, "SELECT version_num FROM alembic_version")) == ["0001"]
    assert "items" in table_names(settings)


# The fields of alembic.ini's file_template, as patterns.
TEMPLATE_FIELDS = {
    "year": r"\d{4}",
    "month": r"\d{2}",
    "day": r"\d{2}",
    "rev": r"[0-9a-z]+",
    "slug": r"[a-z0-9_]+",
}


def test_migration_files_follow_the_file_template(alembic_config: Config) -> None:
    template = alembic_config.get_main_option("file_template")
    assert template is not None
    name = re.compile(
        re.sub(
            r"%\((\w+)\)[.\d]*[ds]",
            lambda field: f"(?P<{field[1]}>{TEMPLATE_FIELDS[field[1]]})",
            template,
        )
        + r"\.py"
    )
    for revision in ScriptDirectory.from_config(alembic_config).walk_revisions():
        assert revision.path is not None
        match = name.fullmatch(Path(revision.path).name)
        assert match is not None, f"{revision.path} is not named {template}"
        assert match["rev"] == revision.revision
