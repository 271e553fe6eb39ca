"""The items resource: create, read, list, update and delete."""

import base64
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from pydantic import AfterValidator, BeforeValidator

{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.api.items.events import item_changed, item_deleted
{% endif %}
from {{ cookiecutter.package_name }}.api.items.schemas import (
    ItemCreate,
    ItemPage,
    ItemPublic,
    ItemUpdate,
)
{% if cookiecutter.events == "yes" %}
from {{ cookiecutter.package_name }}.events import Events
{% endif %}
from {{ cookiecutter.package_name }}.table import ITEM, Item, ItemsTable, NameTaken

router = APIRouter(prefix="/items", tags=["items"])

MAX_PAGE_SIZE = 100
DECIMAL = re.compile(r"0|[1-9][0-9]*")
# A cursor: the 16 bytes of the id in the table's key where a page ended, in base64url. Every
# string of this form is one (its last character carries 2 bits): the schema says exactly what
# is accepted.
CURSOR = r"^[A-Za-z0-9_-]{21}[AQgw]$"


def decimal_digits(value: object) -> object:
    """Numbers in queries as people write them: not 1_000, 1.0, +1 or 01."""
    if isinstance(value, str) and not DECIMAL.fullmatch(value):
        raise ValueError("must be a whole number written in decimal digits")
    return value


def encode_cursor(key: str) -> str:
    item_id = uuid.UUID(key.removeprefix(ITEM))
    return base64.urlsafe_b64encode(item_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    """The table key a cursor (already matched against CURSOR) stands for."""
    if cursor is None:
        return None
    return f"{ITEM}{uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + '=='))}"


ItemId = Annotated[uuid.UUID, Path()]
# Last: it runs first, and the bounds before it reach the schema as minimum and maximum.
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE), BeforeValidator(decimal_digits)]
Cursor = Annotated[
    str | None,
    Query(pattern=CURSOR, description="`next_after` of the last page"),
    AfterValidator(decode_cursor),
]

# Documented in the OpenAPI schema next to each route's success response.
UNREADABLE: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not JSON in UTF-8"},
    413: {"description": "The body is larger than MAX_REQUEST_BODY_BYTES"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No item with this id"}}
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Another item has this name"}}


def item_not_found(item_id: uuid.UUID | str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"Item {item_id} not found")


def name_taken(name: str | None) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, f"An item named {name!r} already exists")


def items_table(request: Request) -> ItemsTable:
    table: ItemsTable = request.app.state.items_table
    return table


Table = Annotated[ItemsTable, Depends(items_table)]


async def existing_item(item_id: ItemId, table: Table) -> Item:
    """The item the path names, for every route of one item: a 404 when there is none."""
    item = await table.get(item_id)
    if item is None:
        raise item_not_found(item_id)
    return item


ExistingItem = Annotated[Item, Depends(existing_item)]


@router.post("", status_code=status.HTTP_201_CREATED, responses={**UNREADABLE, **CONFLICT})
{% if cookiecutter.events == "no" %}
async def create_item(body: ItemCreate, table: Table, response: Response) -> ItemPublic:
{% endif %}
{% if cookiecutter.events == "yes" %}
async def create_item(
    body: ItemCreate, table: Table, response: Response, events: Events
) -> ItemPublic:
{% endif %}
    try:
        item = await table.create(body.name, body.description)
    except NameTaken:
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
async def list_items(table: Table, limit: PageSize = 20, after: Cursor = None) -> ItemPage:
    """Items in the table's order, a page at a time: an item that exists from the first page
    to the last is on exactly one of them."""
    items, next_key = await table.page(after, limit)
    return ItemPage(
        items=[ItemPublic(**item) for item in items],
        next_after=encode_cursor(next_key) if next_key else None,
    )


@router.get("/{item_id}", responses=NOT_FOUND)
async def get_item(item: ExistingItem) -> ItemPublic:
    return ItemPublic(**item)


@router.patch("/{item_id}", responses={**UNREADABLE, **NOT_FOUND, **CONFLICT})
{% if cookiecutter.events == "no" %}
async def update_item(item: ExistingItem, body: ItemUpdate, table: Table) -> ItemPublic:
{% endif %}
{% if cookiecutter.events == "yes" %}
async def update_item(
    item: ExistingItem, body: ItemUpdate, table: Table, events: Events
) -> ItemPublic:
{% endif %}
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        return ItemPublic(**item)
    try:
        updated = await table.update(item, changes)
    except NameTaken:
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
async def delete_item(item: ExistingItem, table: Table) -> None:
{% endif %}
{% if cookiecutter.events == "yes" %}
async def delete_item(item: ExistingItem, table: Table, events: Events) -> None:
{% endif %}
    # False only if another request deleted the item since it was read.
    if not await table.delete(item):
        raise item_not_found(item["id"])
{% if cookiecutter.events == "yes" %}
    events.publish(item_deleted(item["id"]))
{% endif %}
