import math

{% if "postgresql" in cookiecutter.database %}
import asyncpg
{% endif %}
import pytest
from httpx import {{ 'ASGITransport, ' if 'postgresql' in cookiecutter.database else '' }}AsyncClient
{% if "postgresql" in cookiecutter.database %}
from sqlalchemy import exc
{% endif %}

{% if "postgresql" in cookiecutter.database %}
from {{ cookiecutter.package_name }}.config import Settings
{% endif %}
from {{ cookiecutter.package_name }}.errors import SHOWN_INPUT_CHARACTERS, shown
{% if "postgresql" in cookiecutter.database %}
from {{ cookiecutter.package_name }}.main import create_app
{% endif %}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("short", "short"),
        ("x" * 1000, "x" * SHOWN_INPUT_CHARACTERS + "..."),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (3, 3),
        (None, None),
        ({"nested": [1, 2]}, "<dict>"),
        ([[[]]], "<list>"),
    ],
)
def test_a_refused_input_is_shown_short_and_as_strict_json(value: object, expected: object) -> None:
    assert shown(value) == expected


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/health", "GET, HEAD"),
        ("DELETE", "/info", "GET"),
{% if "postgresql" in cookiecutter.database %}
        ("PUT", "/items", "GET, POST"),
        ("PUT", "/items/1", "DELETE, GET, PATCH"),
{% endif %}
    ],
)
async def test_a_405_names_every_method_the_path_answers(
    client: AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path)

    assert response.status_code == 405
    assert response.headers["allow"] == allowed
    assert response.json() == {"detail": "Method Not Allowed"}
{% if "postgresql" in cookiecutter.database %}


class WrappedDriverError(Exception):
    """What SQLAlchemy's asyncpg adapter wraps: the driver's error, with its SQLSTATE."""

    def __init__(self, pgcode: str) -> None:
        super().__init__(f"SQLSTATE {pgcode}")
        self.pgcode = pgcode


def wrapped(pgcode: str) -> exc.DBAPIError:
    return exc.DBAPIError("SELECT 1", {}, WrappedDriverError(pgcode))


FAILURES = {
    "too-many-connections": (asyncpg.exceptions.TooManyConnectionsError("too many"), 503),
    "starting-up": (asyncpg.exceptions.CannotConnectNowError("starting up"), 503),
    "shutting-down": (asyncpg.exceptions.AdminShutdownError("shutting down"), 503),
    "statement-timeout": (asyncpg.exceptions.QueryCanceledError("statement timeout"), 503),
    "wrapped-starting-up": (wrapped("57P03"), 503),
    "wrapped-too-many-connections": (wrapped("53300"), 503),
    "wrapped-connection-failure": (wrapped("08006"), 503),
    "wrapped-statement-timeout": (wrapped("57014"), 503),
    # A failed statement is not an outage: the last resort answers 500.
    "unique-violation": (asyncpg.exceptions.UniqueViolationError("duplicate"), 500),
    "wrapped-undefined-table": (wrapped("42P01"), 500),
}


@pytest.mark.anyio
@pytest.mark.parametrize("failure", list(FAILURES))
async def test_connection_level_failures_are_503_with_retry_after(
    settings: Settings, failure: str, anyio_backend: str
) -> None:
    error, status = FAILURES[failure]
    app = create_app(settings)

    @app.get("/fails")
    async def fails() -> None:
        raise error

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/fails")

    assert response.status_code == status
    assert ("retry-after" in response.headers) == (status == 503)
    if "timeout" in failure:
        assert response.json()["detail"] == "The database did not answer in time: retry shortly"
{% endif %}
