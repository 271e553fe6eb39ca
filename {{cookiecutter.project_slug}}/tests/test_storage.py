"""The asset store's failures: each a StorageUnavailable, which the upload route answers 503."""

import pytest

from {{ cookiecutter.package_name }}.storage import AssetStore, StorageUnavailable

pytestmark = pytest.mark.anyio


async def test_no_bucket_is_unavailable_naming_the_setting() -> None:
    with pytest.raises(StorageUnavailable, match="ASSETS_BUCKET is unset"):
        await AssetStore(None, "{{ cookiecutter.aws_region }}").presigned_upload("items/1/a")


async def test_no_credentials_to_sign_with_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Where no credentials can be found (the task role's endpoint down, say): no upload."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path_factory.mktemp("aws") / "none"
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    store = AssetStore("{{ cookiecutter.project_slug }}-test-assets", "{{ cookiecutter.aws_region }}")

    with pytest.raises(StorageUnavailable, match="no AWS credentials"):
        await store.presigned_upload("items/1/a")
