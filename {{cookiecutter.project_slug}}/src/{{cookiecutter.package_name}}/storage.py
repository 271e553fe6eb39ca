"""The environment's S3 bucket for the items' files (ASSETS_BUCKET), which clients upload to
themselves with presigned POSTs: the file never passes through the service.

Signing is local, but may first fetch or refresh the task role's credentials over HTTP: it runs
in a worker thread, so the event loop never waits.
"""

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request

from {{ cookiecutter.package_name }}.config import Settings

# How long an upload URL works, and the largest file it accepts (S3 checks both).
UPLOAD_EXPIRES = timedelta(minutes=15)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class StorageUnavailable(ConnectionError):
    """No upload could be signed (no bucket configured, or no credentials): a 503."""


class AssetStore:
    def __init__(self, bucket: str | None, region: str | None) -> None:
        self.bucket = bucket
        self.region = region
        self._client: Any = None

    def _signed_post(self, key: str) -> dict[str, Any]:
        """A presigned POST for this one key (a blocking call: run it in a thread)."""
        # Imported here: botocore costs about 30 MB of memory.
        import botocore.session
        from botocore.exceptions import BotoCoreError, ClientError

        if self._client is None:
            session = botocore.session.get_session()
            # A client made without credentials would sign nothing, ever (and botocore's
            # presigned POST fails on it with an AttributeError): made once there are some.
            if session.get_credentials() is None:
                raise StorageUnavailable("no AWS credentials to sign an upload with")
            self._client = session.create_client("s3", region_name=self.region)
        try:
            post: dict[str, Any] = self._client.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Conditions=[["content-length-range", 1, MAX_UPLOAD_BYTES]],
                ExpiresIn=int(UPLOAD_EXPIRES.total_seconds()),
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"cannot sign an upload to {self.bucket}") from error
        return post

    async def presigned_upload(self, key: str) -> tuple[str, dict[str, str], datetime]:
        """Where and with which form fields a client uploads the file `key`, and until when."""
        if self.bucket is None:
            raise StorageUnavailable("uploads are not configured here: ASSETS_BUCKET is unset")
        expires_at = datetime.now(UTC) + UPLOAD_EXPIRES
        post = await asyncio.to_thread(self._signed_post, key)
        return post["url"], post["fields"], expires_at


def create_asset_store(settings: Settings) -> AssetStore:
    """The bucket's store; in a local run without a bucket, one that answers 503 naming the
    setting. Anywhere else without one, exit naming it."""
    if settings.assets_bucket is None and settings.environment != "local":
        sys.exit(
            "Invalid configuration:\n  ASSETS_BUCKET: required outside local runs: the items' "
            "files are uploaded there"
        )
    return AssetStore(settings.assets_bucket, settings.aws_region)


def asset_store(request: Request) -> AssetStore:
    store: AssetStore = request.app.state.asset_store
    return store


Assets = Annotated[AssetStore, Depends(asset_store)]
