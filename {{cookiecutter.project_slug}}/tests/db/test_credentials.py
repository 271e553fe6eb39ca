"""A rotated database password is read again from the secret, once, and only when refused; with
IAM authentication, each new connection logs in with a token of its own."""

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import NullPool, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db import credentials
from {{ cookiecutter.package_name }}.db.credentials import (
    Credentials,
    CredentialsUnavailable,
    IamAuthTokens,
    RotatingCredentials,
)
from {{ cookiecutter.package_name }}.db.engine import create_engine

pytestmark = pytest.mark.anyio

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf"
ROLE = "rotating_app"
FIRST, SECOND = Credentials(ROLE, "first-password"), Credentials(ROLE, "second-password")


class FakeSecret:
    """Stands in for Secrets Manager: holds a value, counts the reads."""

    def __init__(self, value: Credentials) -> None:
        self.value = value
        self.reads = 0

    def read(self, secret_arn: str) -> Credentials:
        assert secret_arn == SECRET_ARN
        self.reads += 1
        return self.value


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> FakeSecret:
    fake = FakeSecret(FIRST)
    monkeypatch.setattr(credentials, "read_secret", fake.read)
    return fake


async def test_connections_refused_at_once_share_one_read(
    secret: FakeSecret, anyio_backend: str
) -> None:
    rotating = RotatingCredentials(SECRET_ARN, FIRST)
    secret.value = SECOND

    fresh = await asyncio.gather(*(rotating.after_refusal(FIRST) for _ in range(5)))

    assert fresh == [SECOND] * 5
    assert secret.reads == 1


async def test_a_secret_that_cannot_be_read_is_an_outage(
    monkeypatch: pytest.MonkeyPatch, anyio_backend: str
) -> None:
    def access_denied(secret_arn: str) -> Credentials:
        raise PermissionError("AccessDeniedException")

    monkeypatch.setattr(credentials, "read_secret", access_denied)

    with pytest.raises(CredentialsUnavailable, match="cannot read arn:aws:secretsmanager"):
        await RotatingCredentials(SECRET_ARN, FIRST).after_refusal(FIRST)


@pytest.fixture
async def role(settings: Settings, anyio_backend: str) -> AsyncIterator[Settings]:
    """A PostgreSQL login with FIRST's password, and the settings ECS would give a task for it."""
    url = settings.sqlalchemy_url
    if url.get_backend_name() != "postgresql":
        pytest.skip("password rotation needs PostgreSQL: set DATABASE_URL to one")
    admin = create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    async def run(sql: str) -> None:
        async with admin.connect() as connection:
            await connection.execute(text(sql))

    await run(f"DROP ROLE IF EXISTS {ROLE}")
    await run(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{FIRST.password}'")
    try:
        probe = await asyncpg.connect(
            host=url.host, port=url.port, database=url.database, user=ROLE, password="wrong"
        )
    except asyncpg.InvalidPasswordError:
        pass
    else:
        await probe.close()
        await run(f"DROP ROLE {ROLE}")
        pytest.skip("the database accepts any password (trust authentication): use one that checks")
    task_settings = Settings(
        database_url=None,
        db_host=url.host,
        db_port=url.port or 5432,
        db_name=url.database,
        db_user=FIRST.user,
        db_password=FIRST.password,  # type: ignore[arg-type]
        db_secret_arn=SECRET_ARN,
    )
    try:
        # What RDS does when it rotates the secret.
        await run(f"ALTER ROLE {ROLE} PASSWORD '{SECOND.password}'")
        yield task_settings
    finally:
        await run(f"DROP ROLE IF EXISTS {ROLE}")
        await admin.dispose()


async def current_user(settings: Settings, connections: int) -> list[str]:
    engine = create_engine(settings)
    try:

        async def one() -> str:
            async with engine.connect() as connection:
                user = (await connection.execute(text("SELECT current_user"))).scalar_one()
                await asyncio.sleep(0.1)  # hold it, so that the others open their own
                return str(user)

        return list(await asyncio.gather(*(one() for _ in range(connections))))
    finally:
        await engine.dispose()


async def test_a_rotated_password_is_read_from_the_secret(
    role: Settings, secret: FakeSecret
) -> None:
    secret.value = SECOND

    assert await current_user(role, connections=3) == [ROLE] * 3
    assert secret.reads == 1


async def test_a_refused_password_the_secret_still_holds_fails(
    role: Settings, secret: FakeSecret
) -> None:
    # The secret was not rotated: the password is wrong, and reading again will not help.
    with pytest.raises(DBAPIError, match="password authentication failed"):
        await current_user(role, connections=1)
    assert secret.reads == 1


def test_an_iam_token_is_signed_for_the_host_port_and_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Signed locally: made-up credentials are enough, and nothing is sent to AWS.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    token = IamAuthTokens("eu-west-1").token("orders.abc.eu-west-1.rds.amazonaws.com", 5432, ROLE)

    assert token.startswith("orders.abc.eu-west-1.rds.amazonaws.com:5432/?")
    assert "Action=connect" in token
    assert f"DBUser={ROLE}" in token
    assert "eu-west-1%2Frds-db%2Faws4_request" in token


async def test_no_iam_token_is_an_outage(
    monkeypatch: pytest.MonkeyPatch, anyio_backend: str
) -> None:
    def no_credentials(self: IamAuthTokens, host: str, port: int, user: str) -> str:
        raise RuntimeError("Unable to locate credentials")

    monkeypatch.setattr(IamAuthTokens, "token", no_credentials)
    connect = IamAuthTokens("us-east-1").connector(
        Settings(database_url="postgresql+asyncpg://role@db:5432/app").sqlalchemy_url  # type: ignore[arg-type]
    )

    with pytest.raises(CredentialsUnavailable, match="cannot make an IAM authentication token"):
        await connect()


async def test_each_new_connection_logs_in_with_a_new_iam_token(
    role: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[str, int, str]] = []

    def token(self: IamAuthTokens, host: str, port: int, user: str) -> str:
        # The harness database has no IAM: the role's password stands in for the token.
        made.append((host, port, user))
        return SECOND.password

    monkeypatch.setattr(IamAuthTokens, "token", token)
    iam_settings = role.model_copy(
        update={
            "db_password": None,
            "db_secret_arn": None,
            "db_iam_auth": True,
            "aws_region": "us-east-1",
        }
    )

    assert await current_user(iam_settings, connections=3) == [ROLE] * 3
    assert made == [(role.db_host, role.db_port, ROLE)] * 3
