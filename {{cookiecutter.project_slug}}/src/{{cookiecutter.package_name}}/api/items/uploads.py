"""Uploads of an item's file, straight to the environment's bucket: the route hands out a
presigned POST for one new key under the item, and the client sends the file to S3 with it."""

import uuid
from datetime import datetime

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.api.items.router import NOT_FOUND, ExistingItem
from {{ cookiecutter.package_name }}.errors import RETRY_AFTER_SECONDS
from {{ cookiecutter.package_name }}.storage import MAX_UPLOAD_BYTES, Assets, StorageUnavailable

router = APIRouter(prefix="/items", tags=["items"])


class UploadTicket(BaseModel):
    """POST the file to `url` as multipart/form-data: every `fields` entry, then `file`."""

    url: str
    fields: dict[str, str]
    key: str = Field(description="Where the file will be in the bucket.")
    expires_at: datetime
    max_bytes: int = Field(description="The largest file S3 will take with this ticket.")


@router.post(
    "/{item_id}/uploads",
    status_code=status.HTTP_201_CREATED,
    responses={**NOT_FOUND, 503: {"description": "No upload can be signed now"}},
)
async def create_upload(item: ExistingItem, assets: Assets) -> UploadTicket:
    key = f"items/{item['id']}/{uuid.uuid4()}"
    try:
        url, fields, expires_at = await assets.presigned_upload(key)
    except StorageUnavailable as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            str(error),
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from None
    return UploadTicket(
        url=url, fields=fields, key=key, expires_at=expires_at, max_bytes=MAX_UPLOAD_BYTES
    )
