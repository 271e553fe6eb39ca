"""The events the items resource publishes after each successful write: their one schema,
which `docs/events.schema.json` documents for the services that consume them. After changing
it, write that file again:

    uv run python -m {{ cookiecutter.package_name }}.api.items.events > docs/events.schema.json
"""

import json
import sys
import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.api.items.schemas import ItemPublic
from {{ cookiecutter.package_name }}.logs import request_id_var

ItemEventType = Literal["item.created", "item.updated", "item.deleted"]


class ItemEvent(BaseModel):
    """The `detail` of an event on the bus; its `detail-type` is `type`."""

    schema_version: Literal[1] = Field(
        default=1, description="Changes that would break a consumer come with a new version."
    )
    type: ItemEventType
    id: str = Field(
        default_factory=lambda: str(uuid.uuid4()),
        description="Unique per event: EventBridge delivers at least once, so consumers drop "
        "an id they have handled.",
    )
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    request_id: str | None = Field(
        default_factory=lambda: request_id_var.get(),
        description="The X-Request-ID of the request that made the change, as in its access log.",
    )
{% if "postgresql" in cookiecutter.database %}
    item_id: int
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
    item_id: uuid.UUID
{% endif %}
    item: ItemPublic | None = Field(
        description="The item as GET /items/{item_id} served it after the write; null for "
        "item.deleted."
    )


def item_changed(
    event_type: Literal["item.created", "item.updated"], item: ItemPublic
) -> ItemEvent:
    return ItemEvent(type=event_type, item_id=item.id, item=item)


{% if "postgresql" in cookiecutter.database %}
def item_deleted(item_id: int) -> ItemEvent:
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
def item_deleted(item_id: uuid.UUID | str) -> ItemEvent:
{% endif %}
    return ItemEvent(type="item.deleted", item_id=item_id, item=None)


def events_schema() -> str:
    """The JSON Schema of ItemEvent as published (what docs/events.schema.json holds)."""
    return json.dumps(ItemEvent.model_json_schema(mode="serialization"), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(events_schema())
