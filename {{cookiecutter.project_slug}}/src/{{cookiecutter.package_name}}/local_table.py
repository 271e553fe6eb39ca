"""The items table where there is no AWS: created in an emulator (moto's server) for `make run`,
docker compose and the tests. On AWS, Terraform creates it (terraform/modules/table).

    python -m {{ cookiecutter.package_name }}.local_table   # ITEMS_TABLE at AWS_ENDPOINT_URL, if missing
"""

import os
import sys

from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.table import KEY


def create_local_table(name: str, region: str) -> None:
    """Create the table as Terraform does (its key, billed per request), unless it exists."""
    import botocore.session

    if not os.environ.get("AWS_ENDPOINT_URL"):
        sys.exit(
            "AWS_ENDPOINT_URL is unset: the table would be created in a real AWS account. "
            "Point it at the emulator (make run and docker compose do)."
        )
    client = botocore.session.get_session().create_client("dynamodb", region_name=region)
    if name in client.list_tables()["TableNames"]:
        return
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": KEY, "AttributeType": "S"}],
        KeySchema=[{"AttributeName": KEY, "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


if __name__ == "__main__":
    settings = load_settings()
    create_local_table(settings.items_table, settings.aws_region)
