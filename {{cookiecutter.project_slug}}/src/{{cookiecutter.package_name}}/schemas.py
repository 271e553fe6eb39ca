"""Request and response bodies: what the API promises its clients."""

{% if cookiecutter.database != "none" %}
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
{% else %}
from typing import Literal

from pydantic import BaseModel
{% endif %}


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    # Why the service is not ready, when it is not.
    reason: str | None = None


class Info(BaseModel):
    name: str
    version: str
    environment: str
{% if cookiecutter.database != "none" %}


def storable_text(text: str) -> str:
    """Refuse what a PostgreSQL text column cannot hold, as a 422 rather than a database error."""
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode: it has an unpaired surrogate") from None
    return text


ItemName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(storable_text)]
ItemDescription = Annotated[str, Field(max_length=1000), AfterValidator(storable_text)]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ItemName
    description: ItemDescription | None = None


class ItemUpdate(BaseModel):
    """A partial update: fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    name: ItemName | None = None
    description: ItemDescription | None = None

    @field_validator("name")
    @classmethod
    def name_is_not_null(cls, name: str | None) -> str:
        # Optional to allow leaving it out, but every item has a name: explicit null is invalid.
        if name is None:
            raise ValueError("name cannot be null")
        return name


class ItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class ItemPage(BaseModel):
    items: list[ItemPublic]
    # Pass as `after` to get the next page; null on the last page.
    next_after: int | None
{% endif %}
