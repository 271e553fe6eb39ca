"""The statements of the items resource, built once from the model, and the calls that run them.

Each returns rows as mappings of column name to value, or None where no row matched.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from {{ cookiecutter.package_name }}.db.models import Item
from {{ cookiecutter.package_name }}.db.reads import Row, fetch_all, fetch_first

# What every route returns of an item; add a column here to serve it.
COLUMNS = (Item.id, Item.name, Item.description, Item.created_at, Item.updated_at)
BY_ID = Item.id == bindparam("item_id")
SELECT_ITEM = select(*COLUMNS).where(BY_ID)
# One row more than asked for tells whether there is a next page.
SELECT_PAGE = (
    select(*COLUMNS)
    .where(Item.id > bindparam("after"))
    .order_by(Item.id)
    .limit(bindparam("limit_plus_one"))
)
INSERT_ITEM = insert(Item).returning(*COLUMNS)
DELETE_ITEM = delete(Item).where(BY_ID).returning(Item.id)


async def get_item(connection: AsyncConnection, item_id: int) -> Row | None:
    return await fetch_first(connection, SELECT_ITEM, item_id=item_id)


async def list_items(connection: AsyncConnection, after: int, limit: int) -> Sequence[Row]:
    """Up to `limit + 1` items after the id `after`, in id order."""
    return await fetch_all(connection, SELECT_PAGE, after=after, limit_plus_one=limit + 1)


async def create_item(connection: AsyncConnection, values: dict[str, Any]) -> Row:
    """Raises IntegrityError when another item has the name."""
    return (await connection.execute(INSERT_ITEM, values)).mappings().one()


async def update_item(
    connection: AsyncConnection, item_id: int, changes: dict[str, Any]
) -> Row | None:
    """Raises IntegrityError when another item has the new name."""
    statement = (
        update(Item).where(BY_ID).values(**changes, updated_at=func.now()).returning(*COLUMNS)
    )
    result = await connection.execute(statement, {"item_id": item_id})
    return result.mappings().one_or_none()


async def delete_item(connection: AsyncConnection, item_id: int) -> bool:
    """Whether there was such an item to delete."""
    result = await connection.execute(DELETE_ITEM, {"item_id": item_id})
    return result.one_or_none() is not None
