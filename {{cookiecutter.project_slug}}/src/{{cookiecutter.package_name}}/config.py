"""All runtime settings, read once from the environment (and a local `.env` file)."""

import sys
{% if "postgresql" in cookiecutter.database %}
from typing import Literal, Self

from pydantic import (
    Field,
    FilePath,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
from typing import Literal, Self

from pydantic import Field, ValidationError, model_validator
{% endif %}
{% if cookiecutter.database == "none" %}
from typing import Literal

from pydantic import Field, ValidationError
{% endif %}
from pydantic_settings import BaseSettings, SettingsConfigDict
{% if "postgresql" in cookiecutter.database %}
from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError

# Used when no database is configured in the local environment: a working service with no
# Docker and no PostgreSQL. Outside `local` a missing database is a configuration error.
LOCAL_SQLITE_URL = "sqlite+aiosqlite:///local.db"
# The asyncio drivers the service connects with, by the URL schemes other tools write for them.
ASYNC_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}
{% endif %}
{% if cookiecutter.database == "dynamodb" %}

# The table of local runs and tests, in the emulator: no AWS account is ever needed for them.
LOCAL_ITEMS_TABLE = "items"
{% endif %}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["local", "staging", "production"] = "local"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # What runs, shown by GET /info: on AWS, `make deploy` sets <commit>@<image digest>.
    app_version: str = "dev"
    # /docs, /redoc and /openapi.json: served locally, elsewhere only when this turns them on.
    api_docs: bool | None = None
    # Bodies larger than this are refused with 413 before they are read whole.
    max_request_body_bytes: int = Field(default=1024 * 1024, gt=0)
    # Served over HTTPS only (on ECS, when the load balancer has an HTTPS listener): responses
    # then tell browsers to use nothing else (Strict-Transport-Security).
    https_only: bool = False

    @property
    def serves_api_docs(self) -> bool:
        return self.environment == "local" if self.api_docs is None else self.api_docs
{% if "postgresql" in cookiecutter.database %}

    # Either one URL (local, compose, tests) ...
    database_url: SecretStr | None = None
    # ... or its parts, the way ECS injects them: host, port and name as plain variables,
    # user and password from the RDS-managed secret in Secrets Manager.
    db_host: str | None = None
    db_port: int = 5432
    db_name: str | None = None
    db_user: str | None = None
    db_password: SecretStr | None = None
    # The secret itself: read again when the database refuses the password (RDS rotates it).
    db_secret_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$"
    )
    # Or no password: an IAM authentication token, made for each new connection (on ECS, the
    # service's own role connects this way; AWS_REGION is the database's region).
    db_iam_auth: bool = False
    aws_region: str | None = None
    # A CA bundle (the image has RDS's): TLS to the database then verifies the server's
    # certificate and that it names DB_HOST (libpq's verify-full).
    db_ssl_root_cert: FilePath | None = None
    # The role the service connects as, which the migrations create and, after every upgrade,
    # grant reading and writing the models' tables and nothing else. Unset, they grant nothing.
    db_app_user: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")

    # Connections per process. A fixed pool: overflow connections are opened and closed with
    # each burst, and every one costs PostgreSQL a new backend process.
    db_pool_size: int = 20
    db_max_overflow: int = 0
    db_connect_timeout: float = 5.0
    # Seconds the readiness probe waits for the database before reporting it down.
    readiness_timeout: float = 2.0
    # Seconds a statement may run (waiting for a lock included) before PostgreSQL cancels it.
    db_statement_timeout: float = Field(default=10.0, gt=0)

    @field_validator("database_url")
    @classmethod
    def use_an_async_driver(cls, database_url: SecretStr | None) -> SecretStr | None:
        """Accept postgresql:// and postgres:// as other tools write them; refuse other drivers.

        The messages never repeat the URL: it holds the password.
        """
        if database_url is None:
            return None
        try:
            url = make_url(database_url.get_secret_value())
        except ArgumentError:
            raise ValueError(
                "is not a database URL: use postgresql+asyncpg://user:password@host:5432/name"
            ) from None
        driver = ASYNC_DRIVERS.get(url.drivername)
        if driver is None:
            raise ValueError(
                f"uses {url.drivername}://, which this service does not connect with: use "
                "postgresql+asyncpg:// (or sqlite+aiosqlite:// for a local file)"
            )
        return SecretStr(url.set(drivername=driver).render_as_string(hide_password=False))

    @model_validator(mode="after")
    def require_database_outside_local(self) -> Self:
        if self.database_url is not None:
            parts_only = {"DB_SECRET_ARN": self.db_secret_arn, "DB_IAM_AUTH": self.db_iam_auth}
            for name, value in parts_only.items():
                if value:
                    raise ValueError(
                        f"{name} goes with DB_HOST and the other DB_ parts, not with "
                        "DATABASE_URL: unset one of them"
                    )
            return self
        if self.db_iam_auth and self.db_secret_arn is not None:
            raise ValueError("DB_IAM_AUTH connects with no password: unset DB_SECRET_ARN")
        if self.db_host is None and self.environment == "local":
            return self
        required = {
            "DB_HOST": self.db_host,
            "DB_NAME": self.db_name,
            "DB_USER": self.db_user,
            # With IAM authentication, a token takes the password's place.
            **(
                {"AWS_REGION": self.aws_region}
                if self.db_iam_auth
                else {"DB_PASSWORD": self.db_password}
            ),
        }
        missing = [name for name, value in required.items() if not value]
        if missing:
            raise ValueError(f"set DATABASE_URL, or {', '.join(missing)}")
        return self

    @property
    def sqlalchemy_url(self) -> URL:
        if self.database_url is not None:
            return make_url(self.database_url.get_secret_value())
        if self.db_host is None:
            return make_url(LOCAL_SQLITE_URL)
        return URL.create(
            "postgresql+asyncpg",
            username=self.db_user,
            password=self.db_password.get_secret_value() if self.db_password else None,
            host=self.db_host,
            port=self.db_port,
            database=self.db_name,
        )
{% endif %}
{% if cookiecutter.database == "dynamodb" %}

    # The items' DynamoDB table: on ECS the environment's; in a local run the emulator's, which
    # `make run` and docker compose start with the table created (AWS_ENDPOINT_URL).
    items_table: str = Field(default=LOCAL_ITEMS_TABLE, pattern=r"^[a-zA-Z0-9_.-]{3,255}$")
    # Its region (on ECS, the task's).
    aws_region: str = "{{ cookiecutter.aws_region }}"
    # Seconds one DynamoDB call may take to connect and to be answered, per attempt.
    table_timeout: float = Field(default=2.0, gt=0)
    # Seconds the readiness probe waits for the table before reporting it down.
    readiness_timeout: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def require_table_outside_local(self) -> Self:
        if self.environment != "local" and "items_table" not in self.model_fields_set:
            raise ValueError("set ITEMS_TABLE: the items are stored there outside local runs")
        return self
{% endif %}
{% if cookiecutter.events == "yes" %}

    # The environment's EventBridge bus, where the items' events go: the service does not start
    # without it outside a local run (events.create_event_publisher), where unset, they are
{% if "postgresql" in cookiecutter.database %}
    # logged instead. Not required here: the migrations read these settings too.
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
    # logged instead.
{% endif %}
    event_bus_arn: str | None = Field(
        default=None, pattern=r"^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[\w.-]+$"
    )
{% endif %}
{% if cookiecutter.object_storage == "yes" %}

    # The environment's S3 bucket, where clients upload the items' files (AWS_REGION is its
    # region): the service does not start without it outside a local run
    # (storage.create_asset_store), where unset, the upload route answers 503 naming it.
    assets_bucket: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
{% endif %}


def load_settings() -> Settings:
    """The settings, or exit with a message naming every missing or invalid variable."""
    try:
        return Settings()
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            variable = "_".join(str(part) for part in detail["loc"]).upper()
            message = detail["msg"].removeprefix("Value error, ")
            problems.append(f"  {variable}: {message}" if variable else f"  {message}")
        sys.exit("Invalid configuration:\n" + "\n".join(problems))
