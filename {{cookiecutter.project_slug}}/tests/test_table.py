"""The table's writes when another request got there first: conditions, and fresh reads."""

import pytest

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.table import ItemsTable, NameTaken, create_items_table

pytestmark = pytest.mark.anyio


@pytest.fixture
async def table(settings: Settings, anyio_backend: str) -> ItemsTable:
    from tests.conftest import empty

    empty(settings.items_table)
    return create_items_table(settings)


async def test_an_update_of_a_stale_read_applies_to_the_fresh_item(table: ItemsTable) -> None:
    read = await table.create("widget", None)
    await table.update(read, {"description": "blue"})

    updated = await table.update(read, {"name": "gadget"})

    assert updated is not None
    assert (updated["name"], updated["description"]) == ("gadget", "blue")
    assert await table.get(read["id"]) == updated


async def test_an_update_of_a_deleted_item_is_none(table: ItemsTable) -> None:
    read = await table.create("widget", None)
    await table.delete(read)

    assert await table.update(read, {"description": "blue"}) is None
    assert await table.update(read, {"name": "gadget"}) is None


async def test_a_delete_of_a_stale_read_frees_the_current_name(table: ItemsTable) -> None:
    read = await table.create("widget", None)
    await table.update(read, {"name": "gadget"})

    assert await table.delete(read) is True
    assert await table.get(read["id"]) is None
    # Both names are free again: the claim deleted was the one the item held last.
    await table.create("widget", None)
    await table.create("gadget", None)


async def test_a_delete_of_a_deleted_item_is_false(table: ItemsTable) -> None:
    read = await table.create("widget", None)
    await table.delete(read)

    assert await table.delete(read) is False


async def test_a_taken_name_is_refused_whole(table: ItemsTable) -> None:
    await table.create("widget", None)

    with pytest.raises(NameTaken):
        await table.create("widget", "a second")

    items, _ = await table.page(None, 10)
    assert [item["description"] for item in items] == [None]
