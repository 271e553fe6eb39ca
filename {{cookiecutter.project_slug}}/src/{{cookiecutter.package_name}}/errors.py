"""How failures become responses.

- 422 for bad input, 405 naming every method the path answers.
{% if "postgresql" in cookiecutter.database %}
- 503 while the database is away or too slow.
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
- 503 while the table throttles, fails or is too slow.
{% endif %}
- The last resort, a JSON 500 for anything unexpected, is in the middleware.
"""

import json
{% if cookiecutter.database != "none" %}
import logging
{% endif %}
import math
{% if "postgresql" in cookiecutter.database %}
import socket
{% endif %}
from collections.abc import Callable, Coroutine
from typing import Any

{% if "postgresql" in cookiecutter.database %}
import asyncpg
{% endif %}
from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
{% if "postgresql" in cookiecutter.database %}
from sqlalchemy import exc
{% endif %}
from starlette.exceptions import HTTPException
from starlette.routing import Match
{% if cookiecutter.database == "dynamodb" %}

from {{ cookiecutter.package_name }}.table import TableUnavailable
{% endif %}

Handler = Callable[[Request, Any], Coroutine[Any, Any, Response]]
# How much of a refused input a 422 repeats: enough to recognise it, never the whole body.
SHOWN_INPUT_CHARACTERS = 80
# What a 405's Allow header may name, in the order it names them.
HTTP_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
{% if cookiecutter.database != "none" %}

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
{% endif %}
{% if "postgresql" in cookiecutter.database %}
# Connecting failed (refused, reset, name not resolved, timed out), the pool had no connection
# free in time, or a read found its connection gone (db.reads.ConnectionLost).
OUTAGES = (ConnectionError, socket.gaierror, TimeoutError, exc.TimeoutError)
# SQLSTATEs of a database that cannot serve now, whatever the statement: connection exceptions
# (class 08), too many connections, and starting up, shutting down or restarting (57P01-57P03).
UNAVAILABLE_CLASSES = ("08",)
UNAVAILABLE_STATES = {"53300", "57P01", "57P02", "57P03"}
# The statement ran longer than DB_STATEMENT_TIMEOUT (a lock it waited for, say).
STATEMENT_TIMEOUT = "57014"
{% endif %}


def shown(value: Any) -> Any:
    """A refused input as a 422 repeats it: scalars as they are (long text cut short, NaN and
    infinities as text, which strict JSON has no number for), anything nested as its type, so
    that a huge or deeply nested body never comes back whole."""
    if isinstance(value, str):
        cut = value[:SHOWN_INPUT_CHARACTERS]
        return cut if cut == value else cut + "..."
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return f"<{type(value).__name__}>"


async def validation_failed(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's 422 with the details of each field, the input shown short, as ASCII JSON.

    The details echo the input, which may hold text that is not valid Unicode (an unpaired
    surrogate is valid JSON): written as UTF-8 it would fail, and the client would get a 500.
    """
    details = [
        {**detail, "input": shown(detail["input"])} if "input" in detail else detail
        for detail in error.errors()
    ]
    body = json.dumps({"detail": jsonable_encoder(details)}, ensure_ascii=True, allow_nan=False)
    return Response(
        body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, media_type="application/json"
    )


async def method_not_allowed(request: Request, error: HTTPException) -> JSONResponse:
    """405 with every method the path answers in Allow. Each method of a path is a route of its
    own, and Starlette's 405 names only the methods of the first route that has the path."""
    allowed = [
        method
        for method in HTTP_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return JSONResponse(
        {"detail": error.detail},
        status_code=status.HTTP_405_METHOD_NOT_ALLOWED,
        headers={"Allow": ", ".join(allowed)},
    )
{% if "postgresql" in cookiecutter.database %}


def sqlstate(error: BaseException) -> str | None:
    """The PostgreSQL error code of an asyncpg error, bare or wrapped by SQLAlchemy."""
    for candidate in (error, getattr(error, "orig", None), error.__cause__):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None
{% endif %}
{% if cookiecutter.database != "none" %}


def unavailable(message: str) -> JSONResponse:
    return JSONResponse(
        {"detail": message},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
{% endif %}
{% if "postgresql" in cookiecutter.database %}


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    """503 with Retry-After while the database is down, restarting, failing over, full or too
    slow. The request was fine and will work again soon; /health/ready says the same."""
    code = sqlstate(error)
    if code == STATEMENT_TIMEOUT:
        logger.warning("Database statement timed out", extra={"path": request.url.path})
        return unavailable("The database did not answer in time: retry shortly")
    if not (
        isinstance(error, OUTAGES)
        or (code is not None and code.startswith(UNAVAILABLE_CLASSES))
        or code in UNAVAILABLE_STATES
        or (
            isinstance(error, exc.DBAPIError)
            and (error.connection_invalidated or isinstance(error, exc.OperationalError))
        )
        or isinstance(error, exc.InterfaceError)
    ):
        raise error  # a failed statement, not an outage: the middleware makes it a 500
    logger.warning(
        "Database unavailable: %s%s",
        type(error).__name__,
        f" (SQLSTATE {code})" if code else "",
        extra={"path": request.url.path},
    )
    return unavailable("The database is unavailable: retry shortly")
{% endif %}
{% if cookiecutter.database == "dynamodb" %}


async def table_unavailable(request: Request, error: TableUnavailable) -> JSONResponse:
    """503 with Retry-After while DynamoDB throttles the table (botocore has retried with
    backoff already), fails, or does not answer in time: the request was fine and will work
    again soon."""
    logger.warning("Table unavailable: %s", error, extra={"path": request.url.path})
    return unavailable("The database is unavailable: retry shortly")
{% endif %}


# For FastAPI(exception_handlers=...): each error class, and the handler that answers it.
EXCEPTION_HANDLERS: dict[int | type[Exception], Handler] = {
    RequestValidationError: validation_failed,
    status.HTTP_405_METHOD_NOT_ALLOWED: method_not_allowed,
{% if "postgresql" in cookiecutter.database %}
    **{
        error_class: database_unavailable
        for error_class in (*OUTAGES, exc.DBAPIError, asyncpg.PostgresError)
    },
{% endif %}
{% if cookiecutter.database == "dynamodb" %}
    TableUnavailable: table_unavailable,
{% endif %}
}
