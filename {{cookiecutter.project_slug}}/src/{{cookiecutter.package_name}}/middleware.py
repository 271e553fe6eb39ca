"""Request id, response headers, access log and last-resort error handling, as one pure ASGI
middleware: what every request gets on its way in and out.

Pure ASGI rather than Starlette's BaseHTTPMiddleware, which wraps every response in a stream:
work on every request, for nothing a header and a log line need.
"""

import logging
import re
import secrets
import time

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.logs import log_request, request_id_var

REQUEST_ID_HEADER = b"x-request-id"
# On every response: no content sniffing, nothing cached by a browser or a proxy in between.
RESPONSE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"cache-control", b"no-store"),
)
# And, where the service is served over HTTPS only, browsers told to use nothing else for a year.
STRICT_TRANSPORT_SECURITY = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# An incoming id is trusted only if it looks like one (the load balancer's, or a caller's).
_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

logger = logging.getLogger(__name__)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return value.decode() if _VALID_REQUEST_ID.fullmatch(value) else None
    return None


class RequestContextMiddleware:
    """Tags each request with an id, echoes it as X-Request-ID with the security headers, and
    logs one line per request.

    Any exception that escapes a route becomes a JSON 500 (the traceback goes to the log, never
    to the client).
    """

    def __init__(self, app: ASGIApp, *, https_only: bool = False) -> None:
        self.app = app
        self.response_headers = (
            (*RESPONSE_HEADERS, STRICT_TRANSPORT_SECURITY) if https_only else RESPONSE_HEADERS
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = _incoming_request_id(scope) or secrets.token_hex(16)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [
                    *message.get("headers", ()),
                    *self.response_headers,
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_request_id)
        except Exception:
            logger.exception("Unhandled error")
            if response_started:
                raise  # too late for an error response: uvicorn drops the connection
            error = JSONResponse({"detail": "Internal Server Error"}, status_code=500)
            await error(scope, receive, send_with_request_id)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            log_request(scope["method"], scope["path"], status, duration_ms, request_id)
            request_id_var.reset(token)
