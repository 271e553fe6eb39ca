"""How new database connections authenticate: with an IAM token each, or with a password that
follows the RDS-managed secret through its rotations.

IAM authentication (DB_IAM_AUTH) is how the service's own role connects on ECS: no password
exists to leak or rotate. A token is signed with the task role's credentials, without a call to
AWS, and opens connections for 15 minutes; connections it opened outlive it.

With a password, ECS reads the secret once, when a task starts, into DB_USER and DB_PASSWORD.
RDS rotates it (every seven days by default), and from then on the database refuses new
connections with the password the task holds. With DB_SECRET_ARN set, the first refused
connection makes the service read the secret again and retry with what it holds now: a rotation
needs no redeploy.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from sqlalchemy import URL

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)  # never in a log line or a traceback


class CredentialsUnavailable(ConnectionError):
    """The secret could not be read: the request gets a 503, like any other database outage."""


def read_secret(secret_arn: str) -> Credentials:
    """The username and password the secret holds now (a blocking call: run it in a thread)."""
    # Imported here, on first use: botocore costs about 30 MB of memory, needed once a week.
    import botocore.session

    region = secret_arn.split(":")[3]
    client = botocore.session.get_session().create_client("secretsmanager", region_name=region)
    secret = json.loads(client.get_secret_value(SecretId=secret_arn)["SecretString"])
    return Credentials(user=secret["username"], password=secret["password"])


class RotatingCredentials:
    """The credentials new connections use, re-read from the secret when they stop working."""

    def __init__(self, secret_arn: str, initial: Credentials) -> None:
        self.secret_arn = secret_arn
        self.current = initial
        self._reading = asyncio.Lock()

    async def after_refusal(self, refused: Credentials) -> Credentials:
        """Credentials newer than the refused ones; connections refused at once share one read."""
        async with self._reading:
            if self.current == refused:
                try:
                    self.current = await asyncio.to_thread(read_secret, self.secret_arn)
                except Exception as error:
                    raise CredentialsUnavailable(f"cannot read {self.secret_arn}") from error
        return self.current

    def connector(self, url: URL, **connect_args: Any) -> Callable[[], Awaitable[Any]]:
        """An `async_creator` for SQLAlchemy: an asyncpg connection with the current credentials."""

        async def connect(credentials: Credentials) -> Any:
            return await asyncpg.connect(
                host=url.host,
                port=url.port,
                database=url.database,
                user=credentials.user,
                password=credentials.password,
                **connect_args,
            )

        async def connect_following_rotation() -> Any:
            used = self.current
            try:
                return await connect(used)
            except asyncpg.InvalidPasswordError:
                fresh = await self.after_refusal(used)
                if fresh == used:
                    raise  # the secret holds the refused password: not a rotation
                logger.info("The database secret was rotated: connecting with its new password")
                return await connect(fresh)

        return connect_following_rotation


class IamAuthTokens:
    """Passwords for IAM database authentication: a token made afresh for each new connection."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._client: Any = None

    def token(self, host: str, port: int, user: str) -> str:
        """A token for one connection (a blocking call, the first time: run it in a thread)."""
        if self._client is None:
            import botocore.session

            session = botocore.session.get_session()
            self._client = session.create_client("rds", region_name=self.region)
        token: str = self._client.generate_db_auth_token(
            DBHostname=host, Port=port, DBUsername=user, Region=self.region
        )
        return token

    def connector(self, url: URL, **connect_args: Any) -> Callable[[], Awaitable[Any]]:
        """An `async_creator` for SQLAlchemy: an asyncpg connection opened with a new token."""
        host, port, user = url.host or "", url.port or 5432, url.username or ""

        async def connect_with_a_token() -> Any:
            try:
                token = await asyncio.to_thread(self.token, host, port, user)
            except Exception as error:
                raise CredentialsUnavailable("cannot make an IAM authentication token") from error
            return await asyncpg.connect(
                host=host, port=port, database=url.database, user=user, password=token,
                **connect_args,
            )  # fmt: skip

        return connect_with_a_token
