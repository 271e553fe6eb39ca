"""How failures become responses: 422 for bad input{% if cookiecutter.database != "none" %}, 503 while the database is away{% endif %}.

(The last resort, a JSON 500 for anything unexpected, is in the middleware.)
"""

import json
{% if cookiecutter.database != "none" %}
import logging
import socket
{% endif %}
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
{% if cookiecutter.database != "none" %}
from fastapi.responses import JSONResponse, Response
from sqlalchemy import exc
{% else %}
from fastapi.responses import Response
{% endif %}

Handler = Callable[[Request, Any], Coroutine[Any, Any, Response]]
{% if cookiecutter.database != "none" %}

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# Connecting failed (refused, reset, name not resolved, timed out), the pool had no connection
# free in time, or a read found its connection gone (db.reads.ConnectionLost).
OUTAGES = (ConnectionError, socket.gaierror, TimeoutError, exc.TimeoutError)
{% endif %}


async def validation_failed(request: Request, error: RequestValidationError) -> Response:
    """FastAPI's 422 with the details of each field, written as ASCII-escaped JSON.

    The details echo the input, which may hold text that is not valid Unicode (an unpaired
    surrogate is valid JSON): written as UTF-8 it would fail, and the client would get a 500.
    """
    body = json.dumps({"detail": jsonable_encoder(error.errors())}, ensure_ascii=True)
    return Response(
        body, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, media_type="application/json"
    )
{% if cookiecutter.database != "none" %}


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    """503 with Retry-After while the database is down, restarting, failing over or full.

    The request was fine and will work again soon; the readiness probe says the same at
    /health/ready.
    """
    if isinstance(error, exc.DBAPIError) and not (
        error.connection_invalidated or isinstance(error, exc.OperationalError | exc.InterfaceError)
    ):
        raise error  # a failed statement, not an outage: the middleware makes it a 500
    logger.warning(
        "Database unavailable: %s", type(error).__name__, extra={"path": request.url.path}
    )
    return JSONResponse(
        {"detail": "The database is unavailable: retry shortly"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
{% endif %}


# For FastAPI(exception_handlers=...): each error class, and the handler that answers it.
EXCEPTION_HANDLERS: dict[int | type[Exception], Handler] = {
    RequestValidationError: validation_failed,
{% if cookiecutter.database != "none" %}
    **{error_class: database_unavailable for error_class in (*OUTAGES, exc.DBAPIError)},
{% endif %}
}
