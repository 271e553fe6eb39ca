"""The request and response bodies of the items resource: what the API promises its clients."""

import unicodedata
{% if cookiecutter.database == "dynamodb" %}
import uuid
{% endif %}
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic.json_schema import SkipJsonSchema


def storable_text(text: str) -> str:
    """Refuse what the database cannot store (text that is not valid Unicode), as a 422 rather
    than a database error, and store text in one normal form (NFC), so that names that look the
    same are the same."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode: it has an unpaired surrogate") from None
    return unicodedata.normalize("NFC", text)


{% if "postgresql" in cookiecutter.database %}
# No NUL character: PostgreSQL text cannot hold one (the pattern puts that in the schema too).
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
# No NUL character: names and descriptions are text, and a NUL inside one is nearly always an
# attack or a bug (the pattern puts that in the schema too).
{% endif %}
NO_NUL = r"^[^\x00]*$"
ItemName = Annotated[
    str, Field(min_length=1, max_length=100, pattern=NO_NUL), AfterValidator(storable_text)
]
ItemDescription = Annotated[
    str, Field(max_length=1000, pattern=NO_NUL), AfterValidator(storable_text)
]


class ItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ItemName
    description: ItemDescription | None = None


class ItemUpdate(BaseModel):
    """A partial update: fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    # May be left out, but never null: every item has a name (the schema shows no null).
    name: ItemName | SkipJsonSchema[None] = None
    description: ItemDescription | None = None

    @field_validator("name")
    @classmethod
    def name_is_not_null(cls, name: str | None) -> str:
        if name is None:
            raise ValueError("name cannot be null")
        return name


class ItemPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

{% if "postgresql" in cookiecutter.database %}
    id: int
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
    id: uuid.UUID
{% endif %}
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class ItemPage(BaseModel):
    items: list[ItemPublic]
    # Pass as `after` to get the next page; null on the last page.
{% if "postgresql" in cookiecutter.database %}
    next_after: int | None
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
    next_after: str | None
{% endif %}
