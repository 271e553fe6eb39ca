"""The items resource: create, read, list, update and delete."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status
from pydantic import BeforeValidator
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }}.api.items import queries
{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.api.items.events import item_changed, item_deleted
{% endif %}
from {{ cookiecutter.package_name }}.api.items.schemas import (
    ItemCreate,
    ItemPage,
    ItemPublic,
    ItemUpdate,
)
from {{ cookiecutter.package_name }}.db.engine import Connection
from {{ cookiecutter.package_name }}.db.reads import Row
{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.events import Events
{% endif %}

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

# Documented in the OpenAPI schema next to each route's success response.
UNREADABLE: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not JSON in UTF-8"},
    413: {"description": "The body is larger than MAX_REQUEST_BODY_BYTES"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No item with this id"}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Another item has this name"}}


def item_not_found(item_id: int) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"Item {item_id} not found")


def name_taken(name: str | None) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, f"An item named {name!r} already exists")


async def existing_item(item_id: ItemId, connection: Connection) -> Row:
    """The item the path names, for every route of one item: a 404 when there is none."""
    item = await queries.get_item(connection, item_id)
    if item is None:
        raise item_not_found(item_id)
    return item


ExistingItem = Annotated[Row, Depends(existing_item)]


@router.post("", status_code=status.HTTP_201_CREATED, responses={**UNREADABLE, **CONFLICT})
{% if cookiecutter.events == "no" %}
async def create_item(body: ItemCreate, connection: Connection, response: Response) -> ItemPublic:
{% endif %}
{% if cookiecutter.events == "yes" %}
async def create_item(
    body: ItemCreate, connection: Connection, response: Response, events: Events
) -> ItemPublic:
{% endif %}
    try:
        item = await queries.create_item(connection, body.model_dump())
    except IntegrityError:
        raise name_taken(body.name) from None
    response.headers["Location"] = f"{router.prefix}/{item['id']}"
{% if cookiecutter.events == "no" %}
    return ItemPublic(**item)
{% endif %}
{% if cookiecutter.events == "yes" %}
    created = ItemPublic(**item)
    events.publish(item_changed("item.created", created))
    return created
{% endif %}


@router.get("")
async def list_items(connection: Connection, limit: PageSize = 20, after: Cursor = 0) -> ItemPage:
    """Items in id order, a page at a time (keyset pagination: stable under inserts)."""
    rows = await queries.list_items(connection, after=after, limit=limit)
    items = [ItemPublic(**row) for row in rows[:limit]]
    return ItemPage(items=items, next_after=items[-1].id if len(rows) > limit else None)


@router.get("/{item_id}", responses=NOT_FOUND)
async def get_item(item: ExistingItem) -> ItemPublic:
    return ItemPublic(**item)


@router.patch("/{item_id}", responses={**UNREADABLE, **NOT_FOUND, **CONFLICT})
{% if cookiecutter.events == "no" %}
async def update_item(item: ExistingItem, body: ItemUpdate, connection: Connection) -> ItemPublic:
{% endif %}
{% if cookiecutter.events == "yes" %}
async def update_item(
    item: ExistingItem, body: ItemUpdate, connection: Connection, events: Events
) -> ItemPublic:
{% endif %}
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        return ItemPublic(**item)
    try:
        updated = await queries.update_item(connection, item["id"], changes)
    except IntegrityError:
        raise name_taken(body.name) from None
    # None only if another request deleted the item since it was read.
    if updated is None:
        raise item_not_found(item["id"])
{% if cookiecutter.events == "no" %}
    return ItemPublic(**updated)
{% endif %}
{% if cookiecutter.events == "yes" %}
    changed = ItemPublic(**updated)
    events.publish(item_changed("item.updated", changed))
    return changed
{% endif %}


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_FOUND)
{% if cookiecutter.events == "no" %}
async def delete_item(item: ExistingItem, connection: Connection) -> None:
{% endif %}
{% if cookiecutter.events == "yes" %}
async def delete_item(item: ExistingItem, connection: Connection, events: Events) -> None:
{% endif %}
    # False only if another request deleted the item since it was read.
    if not await queries.delete_item(connection, item["id"]):
        raise item_not_found(item["id"])
{% if cookiecutter.events == "yes" %}
    events.publish(item_deleted(item["id"]))
{% endif %}
