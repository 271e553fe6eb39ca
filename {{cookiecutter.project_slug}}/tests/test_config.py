import pytest

{% if "postgresql" in cookiecutter.database %}
from {{ cookiecutter.package_name }}.config import LOCAL_SQLITE_URL, load_settings

# What the tests below set, each cleared before every test.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DB_USER",
    "DB_PASSWORD",
    "DB_SECRET_ARN",
    "DB_IAM_AUTH",
    "AWS_REGION",
    "DB_SSL_ROOT_CERT",
    "DB_APP_USER",
{% if cookiecutter.events == "yes" %}
    "EVENT_BUS_ARN",
{% endif %}
)


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Start each test from no configuration at all (and away from any local .env file)."""
    for name in (*SERVICE_VARIABLES, "ENVIRONMENT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def test_local_default_is_an_sqlite_file() -> None:
    assert load_settings().sqlalchemy_url.render_as_string() == LOCAL_SQLITE_URL


def test_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app:pw@db:5432/app")
    monkeypatch.setenv("DB_HOST", "elsewhere")

    assert load_settings().sqlalchemy_url.host == "db"


def test_url_from_the_parts_ecs_injects(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("DB_HOST", "orders.cluster-abc.us-east-1.rds.amazonaws.com")
    monkeypatch.setenv("DB_NAME", "orders")
    monkeypatch.setenv("DB_USER", "app")
    # Generated passwords contain characters that must be escaped in a URL.
    generated = "p@ss/w:rd#1"
    monkeypatch.setenv("DB_PASSWORD", generated)

    url = load_settings().sqlalchemy_url

    assert url.drivername == "postgresql+asyncpg"
    assert url.host == "orders.cluster-abc.us-east-1.rds.amazonaws.com"
    assert url.port == 5432
    assert url.password == generated
    assert "p%40ss%2Fw%3Ard%231" in url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("postgresql://app:pw@db:5432/app", "postgresql+asyncpg://app:pw@db:5432/app"),
        ("postgres://app:pw@db/app", "postgresql+asyncpg://app:pw@db/app"),
        ("sqlite:///local.db", "sqlite+aiosqlite:///local.db"),
    ],
)
def test_database_urls_as_other_tools_write_them_use_the_async_driver(
    monkeypatch: pytest.MonkeyPatch, written: str, used: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", written)

    assert load_settings().sqlalchemy_url.render_as_string(hide_password=False) == used


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://app:hunter2@db/app", "uses mysql://, which this service does not connect with"),
        ("postgresql+psycopg2://app:hunter2@db/app", "uses postgresql+psycopg2://"),
    ],
)
def test_a_database_url_it_cannot_use_exits_naming_it(
    monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    message = str(exit_info.value.code)
    assert f"DATABASE_URL: {problem}" in message
    assert "hunter2" not in message


def test_the_secret_arn_must_be_a_secrets_manager_arn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DB_HOST", "db.internal")
    monkeypatch.setenv("DB_NAME", "orders")
    monkeypatch.setenv("DB_USER", "app")
    monkeypatch.setenv("DB_PASSWORD", "pw")
    monkeypatch.setenv("DB_SECRET_ARN", "arn:aws:ssm:us-east-1:123456789012:parameter/x")

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert "DB_SECRET_ARN: String should match pattern" in str(exit_info.value.code)


def test_the_secret_arn_does_not_go_with_a_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://app:pw@db:5432/app")
    monkeypatch.setenv(
        "DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbC"
    )

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert "DB_SECRET_ARN goes with DB_HOST" in str(exit_info.value.code)


def test_production_without_a_database_exits_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("DB_HOST", "db.internal")

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    message = str(exit_info.value.code)
    assert "DB_NAME" in message
    assert "DB_USER" in message
    assert "DB_PASSWORD" in message
    assert "DB_HOST" not in message


def iam_task_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What ECS gives the app container: the service's own role, no password."""
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("DB_HOST", "orders.abc.us-east-1.rds.amazonaws.com")
    monkeypatch.setenv("DB_NAME", "orders")
    monkeypatch.setenv("DB_USER", "orders_api_production")
    monkeypatch.setenv("DB_IAM_AUTH", "true")


def test_iam_authentication_needs_no_password_but_a_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    iam_task_environment(monkeypatch)
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert "AWS_REGION" in str(exit_info.value.code)
    assert "DB_PASSWORD" not in str(exit_info.value.code)

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    settings = load_settings()
    assert settings.sqlalchemy_url.password is None


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "postgresql+asyncpg://app:pw@db:5432/app", "DB_IAM_AUTH goes with"),
        (
            "DB_SECRET_ARN",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbC",
            "DB_IAM_AUTH connects with no password: unset DB_SECRET_ARN",
        ),
    ],
)
def test_iam_authentication_refuses_password_settings(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    iam_task_environment(monkeypatch)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv(variable, value)

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert message in str(exit_info.value.code)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DB_SSL_ROOT_CERT", "/no/such/bundle.pem"),
        ("DB_APP_USER", "app; DROP TABLE items"),
        ("DB_APP_USER", "App"),
    ],
)
def test_tls_and_role_settings_are_checked(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert variable in str(exit_info.value.code)


{% endif %}
{% if cookiecutter.database == "dynamodb" %}
from {{ cookiecutter.package_name }}.config import LOCAL_ITEMS_TABLE, load_settings

# What the tests below set, each cleared before every test.
SERVICE_VARIABLES = (
    "ITEMS_TABLE",
    "AWS_REGION",
    "TABLE_TIMEOUT",
    "READINESS_TIMEOUT",
{% if cookiecutter.events == "yes" %}
    "EVENT_BUS_ARN",
{% endif %}
{% if cookiecutter.object_storage == "yes" %}
    "ASSETS_BUCKET",
{% endif %}
)


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Start each test from no configuration at all (and away from any local .env file)."""
    for name in (*SERVICE_VARIABLES, "ENVIRONMENT", "LOG_LEVEL", "APP_VERSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def test_local_default_is_the_emulators_table_in_the_projects_region() -> None:
    settings = load_settings()

    assert settings.environment == "local"
    assert (settings.items_table, settings.aws_region) == (
        LOCAL_ITEMS_TABLE,
        "{{ cookiecutter.aws_region }}",
    )


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_outside_local_the_table_must_be_named(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", environment)

    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    monkeypatch.setenv("ITEMS_TABLE", "{{ cookiecutter.project_slug }}-staging-items")

    assert "ITEMS_TABLE" in str(exit_info.value.code)
    assert load_settings().items_table == "{{ cookiecutter.project_slug }}-staging-items"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ITEMS_TABLE", "ab"),
        ("ITEMS_TABLE", "has space"),
        ("ITEMS_TABLE", "x" * 256),
        ("ITEMS_TABLE", "arn:aws:dynamodb:{{ cookiecutter.aws_region }}:123456789012:table/t"),
        ("TABLE_TIMEOUT", "0"),
        ("READINESS_TIMEOUT", "-1"),
    ],
)
def test_table_settings_it_cannot_use_exit_naming_them(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert variable in str(exit_info.value.code)


{% endif %}
{% if cookiecutter.events == "yes" %}
@pytest.mark.parametrize(
    "value",
    [
        "app-staging",
        "arn:aws:sqs:{{ cookiecutter.aws_region }}:123456789012:app-staging",
        "arn:aws:events:{{ cookiecutter.aws_region }}:123456789012:rule/app-staging",
    ],
)
def test_the_event_bus_must_be_an_event_bus_arn(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("EVENT_BUS_ARN", value)

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert "EVENT_BUS_ARN" in str(exit_info.value.code)


{% endif %}
{% if cookiecutter.database == "none" %}
from {{ cookiecutter.package_name }}.config import load_settings


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Start each test from no configuration at all (and away from any local .env file)."""
    for name in ("ENVIRONMENT", "LOG_LEVEL", "APP_VERSION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def test_defaults_suit_local_development() -> None:
    settings = load_settings()

    assert settings.environment == "local"
    assert settings.log_level == "INFO"


{% endif %}
def test_invalid_values_exit_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")

    with pytest.raises(SystemExit) as exit_info:
        load_settings()

    assert "LOG_LEVEL" in str(exit_info.value.code)
