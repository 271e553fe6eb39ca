import pytest
from botocore.session import get_session

from {{ cookiecutter.package_name }}.local_table import create_local_table
from {{ cookiecutter.package_name }}.table import KEY


def test_refuses_to_create_a_table_in_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)

    with pytest.raises(SystemExit, match="AWS_ENDPOINT_URL is unset"):
        create_local_table("items", "{{ cookiecutter.aws_region }}")


def test_creates_the_table_as_terraform_does_once(aws_emulator: str) -> None:
    create_local_table("local-table-test", "{{ cookiecutter.aws_region }}")
    create_local_table("local-table-test", "{{ cookiecutter.aws_region }}")

    dynamodb = get_session().create_client("dynamodb", region_name="{{ cookiecutter.aws_region }}")
    table = dynamodb.describe_table(TableName="local-table-test")["Table"]
    assert table["KeySchema"] == [{"AttributeName": KEY, "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
