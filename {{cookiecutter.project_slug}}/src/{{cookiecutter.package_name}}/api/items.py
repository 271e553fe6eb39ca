"""The items resource: create, read, list, update and delete.

Each route runs one SQLAlchemy Core statement, built once at import, on a pooled connection: no
ORM session and no statement built per request. Reads go through `db.reads`, which hands them
to asyncpg directly on PostgreSQL.
"""

import re
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from pydantic import BeforeValidator
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }}.db.engine import connect
from {{ cookiecutter.package_name }}.db.models import Item
from {{ cookiecutter.package_name }}.db.reads import fetch_all, fetch_first
from {{ cookiecutter.package_name }}.schemas import ItemCreate, ItemPage, ItemPublic, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])

MAX_PAGE_SIZE = 100
DECIMAL = re.compile(r"0|[1-9][0-9]*")


def decimal_digits(value: object) -> object:
    """Numbers in paths and queries as people write them: not 1_000, 1.0, +1 or 01."""
    if isinstance(value, str) and not DECIMAL.fullmatch(value):
        raise ValueError("must be a whole number written in decimal digits")
    return value


# Last in each Annotated: it runs first, and the bounds before it reach the schema as minimum
# and maximum (before them, they would show as unknown keywords and bound nothing).
Digits = BeforeValidator(decimal_digits)
# Ids are BIGINT: anything larger is a 422, not a database error.
ItemId = Annotated[int, Path(ge=1, le=2**63 - 1), Digits]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE), Digits]
Cursor = Annotated[
    int, Query(ge=0, le=2**63 - 1, description="`next_after` of the last page"), Digits
]

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

# Documented in the OpenAPI schema next to each route's success response.
UNREADABLE: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not JSON in UTF-8"},
    413: {"description": "The body is larger than MAX_REQUEST_BODY_BYTES"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No item with this id"}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Another item has this name"}}


def _not_found(item_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"Item {item_id} not found")


def _name_taken(name: str | None) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, f"An item named {name!r} already exists")


@router.post("", status_code=status.HTTP_201_CREATED, responses={**UNREADABLE, **CONFLICT})
async def create_item(body: ItemCreate, request: Request, response: Response) -> ItemPublic:
    try:
        async with connect(request) as connection:
            row = (await connection.execute(INSERT_ITEM, body.model_dump())).one()
    except IntegrityError:
        raise _name_taken(body.name) from None
    response.headers["Location"] = f"{router.prefix}/{row.id}"
    return ItemPublic.model_validate(row)


@router.get("")
async def list_items(request: Request, limit: PageSize = 20, after: Cursor = 0) -> ItemPage:
    """Items in id order, a page at a time (keyset pagination: stable under inserts)."""
    async with connect(request) as connection:
        rows = await fetch_all(connection, SELECT_PAGE, after=after, limit_plus_one=limit + 1)
    items = [ItemPublic(**row) for row in rows[:limit]]
    return ItemPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.get("/{item_id}", responses=NOT_FOUND)
async def get_item(item_id: ItemId, request: Request) -> ItemPublic:
    async with connect(request) as connection:
        row = await fetch_first(connection, SELECT_ITEM, item_id=item_id)
    if row is None:
        raise _not_found(item_id)
    return ItemPublic(**row)


@router.patch("/{item_id}", responses={**UNREADABLE, **NOT_FOUND, **CONFLICT})
async def update_item(item_id: ItemId, body: ItemUpdate, request: Request) -> ItemPublic:
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        return await get_item(item_id, request)
    statement = (
        update(Item).where(BY_ID).values(**changes, updated_at=func.now()).returning(*COLUMNS)
    )
    try:
        async with connect(request) as connection:
            row = (await connection.execute(statement, {"item_id": item_id})).one_or_none()
    except IntegrityError:
        raise _name_taken(body.name) from None
    if row is None:
        raise _not_found(item_id)
    return ItemPublic.model_validate(row)


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
async def delete_item(item_id: ItemId, request: Request) -> None:
    async with connect(request) as connection:
        deleted = (await connection.execute(DELETE_ITEM, {"item_id": item_id})).one_or_none()
    if deleted is None:
        raise _not_found(item_id)
