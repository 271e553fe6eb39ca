"""The items in the environment's DynamoDB table (ITEMS_TABLE), and what DynamoDB's answers
mean for the routes.

One table holds two kinds of record under its partition key `pk`: each item (`item#<id>`) and
each name in use (`name#<name>`, holding its item's id). A write that sets a name writes both
in one transaction whose conditions keep names unique: of any number of requests racing for a
name, one wins and the others fail whole (NameTaken: a 409). Updates and deletes are
conditional on the item being as it was read, so a concurrent write is never undone: they read
it again and retry.

botocore's client blocks, so each call runs in a worker thread: the event loop never waits.
botocore retries throttling and DynamoDB's own errors (its standard mode, with backoff); what
still fails, or does not answer in time, is TableUnavailable (a 503 with Retry-After).
"""

import asyncio
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from {{ cookiecutter.package_name }}.config import Settings

# The table's partition key, and the prefixes of its two kinds of record (local_table.py and
# terraform/modules/table create the table with this key).
KEY = "pk"
ITEM = "item#"
NAME = "name#"
# Attempts per call, botocore's backoff between them included.
ATTEMPTS = 3
# Times a conditional write is tried against a fresh read of an item that changed meanwhile.
WRITE_ATTEMPTS = 3
# What DynamoDB answers when it cannot serve now: try again later.
UNAVAILABLE_CODES = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}
# Why a transaction's part failed (TransactionCanceledException's reasons).
CONDITION_FAILED = "ConditionalCheckFailed"
CONFLICT = "TransactionConflict"

# An item as the routes see it: id, name, description, created_at, updated_at.
Item = dict[str, Any]


class TableUnavailable(ConnectionError):
    """DynamoDB did not serve the call (throttled, failing, unreachable or too slow): a 503."""


class NameTaken(Exception):
    """Another item has the name: a 409."""


class ItemChanged(Exception):
    """The item is not as it was read (changed or deleted by another request meanwhile)."""


def item_key(item_id: uuid.UUID | str) -> dict[str, Any]:
    return {KEY: {"S": f"{ITEM}{item_id}"}}


def name_key(name: str) -> dict[str, Any]:
    return {KEY: {"S": f"{NAME}{name}"}}


def to_record(item: Item) -> dict[str, Any]:
    description = item["description"]
    return {
        **item_key(item["id"]),
        "id": {"S": item["id"]},
        "name": {"S": item["name"]},
        "description": {"NULL": True} if description is None else {"S": description},
        "created_at": {"S": item["created_at"]},
        "updated_at": {"S": item["updated_at"]},
    }


def from_record(record: Mapping[str, Any]) -> Item:
    return {
        "id": record["id"]["S"],
        "name": record["name"]["S"],
        "description": record["description"].get("S"),
        "created_at": record["created_at"]["S"],
        "updated_at": record["updated_at"]["S"],
    }


def now() -> str:
    # ISO 8601 with microseconds and the UTC offset: in this form they also sort as times.
    return datetime.now(UTC).isoformat()


class ItemsTable:
    def __init__(self, name: str, region: str | None, timeout: float) -> None:
        # Imported here, like wherever the service calls AWS: botocore costs about 30 MB.
        import botocore.config
        import botocore.session

        self.name = name
        self._client = botocore.session.get_session().create_client(
            "dynamodb",
            region_name=region,
            config=botocore.config.Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
            ),
        )

    def _blocking_call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response: dict[str, Any] = getattr(self._client, operation)(**request)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            if code in UNAVAILABLE_CODES or status >= 500:
                raise TableUnavailable(f"DynamoDB {operation}: {code}") from error
            raise
        except BotoCoreError as error:
            # Not connected, not answered in time, or no credentials to sign with (yet).
            raise TableUnavailable(f"DynamoDB {operation}: {type(error).__name__}") from error
        return response

    async def _call(self, operation: str, **request: Any) -> dict[str, Any]:
        return await asyncio.to_thread(self._blocking_call, operation, request)

    async def _write(self, operation: str, **request: Any) -> None:
        """A conditional write: ItemChanged when its condition fails."""
        from botocore.exceptions import ClientError

        try:
            await self._call(operation, TableName=self.name, **request)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ItemChanged from None
            raise

    async def _transact(self, parts: list[dict[str, Any]], claim: int | None) -> None:
        """Write all parts or none. ItemChanged when the item's condition (the first part)
        fails, NameTaken when the name claim's (part `claim`) does; a conflict with another
        transaction on the same records is tried again."""
        from botocore.exceptions import ClientError

        for part in parts:
            next(iter(part.values()))["TableName"] = self.name
        for _ in range(WRITE_ATTEMPTS):
            try:
                await self._call("transact_write_items", TransactItems=parts)
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                    raise
                codes = [
                    reason.get("Code", "None")
                    for reason in error.response.get("CancellationReasons", [])
                ]
            if claim is not None and codes[claim : claim + 1] == [CONDITION_FAILED]:
                raise NameTaken
            if codes[:1] == [CONDITION_FAILED]:
                raise ItemChanged
            if CONFLICT not in codes:
                # Throttled, or DynamoDB's own error, on some part.
                raise TableUnavailable(f"DynamoDB transaction cancelled: {codes}")
        raise TableUnavailable("DynamoDB transaction: conflicting writes, tried again and again")

    def _claim(self, name: str, item_id: str) -> dict[str, Any]:
        """Taking a name for an item: fails if any item has it."""
        return {
            "Put": {
                "Item": {**name_key(name), "item_id": {"S": item_id}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _release(self, name: str, item_id: str) -> dict[str, Any]:
        return {
            "Delete": {
                "Key": name_key(name),
                "ConditionExpression": "item_id = :id",
                "ExpressionAttributeValues": {":id": {"S": item_id}},
            }
        }

    def _unchanged(self, item: Item) -> dict[str, Any]:
        """The condition that the item is still as it was read."""
        return {
            "ConditionExpression": "updated_at = :read",
            "ExpressionAttributeValues": {":read": {"S": item["updated_at"]}},
        }

    async def ping(self) -> None:
        """A read of a key no record has: proves the table is there and readable."""
        await self._call("get_item", TableName=self.name, Key={KEY: {"S": "ping"}})

    async def get(self, item_id: uuid.UUID | str) -> Item | None:
        # Strongly consistent: a client reads what it has just written.
        response = await self._call(
            "get_item", TableName=self.name, Key=item_key(item_id), ConsistentRead=True
        )
        record = response.get("Item")
        return from_record(record) if record else None

    async def page(self, after: str | None, limit: int) -> tuple[list[Item], str | None]:
        """Up to `limit` items in the table's order, starting after the item with key `after`,
        and the key to start the next page after (None on the last page)."""
        items: list[Item] = []
        start = after
        # A scan reads name records too, and drops them: ask for room for both kinds.
        while True:
            request: dict[str, Any] = {
                "TableName": self.name,
                "Limit": 2 * (limit + 1 - len(items)),
                "FilterExpression": "begins_with(pk, :item)",
                "ExpressionAttributeValues": {":item": {"S": ITEM}},
                "ConsistentRead": True,
            }
            if start is not None:
                request["ExclusiveStartKey"] = {KEY: {"S": start}}
            response = await self._call("scan", **request)
            items += [from_record(record) for record in response["Items"]]
            last = response.get("LastEvaluatedKey")
            if len(items) > limit or last is None:
                break
            start = last[KEY]["S"]
        page = items[:limit]
        return page, f"{ITEM}{page[-1]['id']}" if len(items) > limit else None

    async def create(self, name: str, description: str | None) -> Item:
        """Raises NameTaken when another item has the name."""
        created = now()
        item: Item = {
            "id": str(uuid.uuid4()),
            "name": name,
            "description": description,
            "created_at": created,
            "updated_at": created,
        }
        put = {"Put": {"Item": to_record(item), "ConditionExpression": "attribute_not_exists(pk)"}}
        await self._transact([put, self._claim(name, item["id"])], claim=1)
        return item

    async def update(self, item: Item, changes: dict[str, Any]) -> Item | None:
        """The item with the changes applied, None when it no longer exists. Raises NameTaken
        when another item has the new name."""
        for _ in range(WRITE_ATTEMPTS):
            updated = {**item, **changes, "updated_at": now()}
            put = {"Item": to_record(updated), **self._unchanged(item)}
            try:
                if updated["name"] == item["name"]:
                    await self._write("put_item", **put)
                else:
                    parts = [
                        {"Put": put},
                        self._release(item["name"], item["id"]),
                        self._claim(updated["name"], item["id"]),
                    ]
                    await self._transact(parts, claim=2)
                return updated
            except ItemChanged:
                fresh = await self.get(item["id"])
                if fresh is None:
                    return None
                item = fresh
        raise TableUnavailable("the item kept changing: try again")

    async def delete(self, item: Item) -> bool:
        """Whether the item was there to delete."""
        for _ in range(WRITE_ATTEMPTS):
            parts = [
                {"Delete": {"Key": item_key(item["id"]), **self._unchanged(item)}},
                self._release(item["name"], item["id"]),
            ]
            try:
                await self._transact(parts, claim=None)
                return True
            except ItemChanged:
                fresh = await self.get(item["id"])
                if fresh is None:
                    return False
                item = fresh
        raise TableUnavailable("the item kept changing: try again")


def create_items_table(settings: Settings) -> ItemsTable:
    return ItemsTable(settings.items_table, settings.aws_region, settings.table_timeout)
