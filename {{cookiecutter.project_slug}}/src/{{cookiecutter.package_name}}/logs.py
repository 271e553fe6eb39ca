"""JSON logs on stdout, one object per line, which is what CloudWatch Logs Insights queries best.

Two writers share the format: `JsonLinesHandler` for everything logged through `logging`
(uvicorn's messages, the app's own, tracebacks) and `log_request` for the access log.
"""

import logging
import os
from contextlib import suppress
from contextvars import ContextVar
from datetime import UTC, datetime

from pydantic_core import to_json

# Set by RequestContextMiddleware for the duration of a request, so every line logged while
# serving it carries the request id without being passed around.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Its level decides whether requests are logged (INFO), like any other logger's.
access_logger = logging.getLogger("{{ cookiecutter.package_name }}.access")

STDOUT = 1

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged
# (but uvicorn's copy of its messages with terminal colours).
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",
}
_traceback_formatter = logging.Formatter()


def write_line(entry: dict[str, object]) -> None:
    """Write one log object as one JSON line, straight to the stdout file descriptor.

    Unbuffered: nothing waits in a buffer when the task is stopped, and a line shorter than
    PIPE_BUF (4 KiB) reaches the log driver's pipe whole even if threads write at once.
    """
    line = to_json(entry, fallback=str) + b"\n"
    while line:
        line = line[os.write(STDOUT, line) :]


class JsonLinesHandler(logging.Handler):
    """Writes each record as a JSON line, with its `extra=` fields and traceback if any."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            entry: dict[str, object] = {
                "time": datetime.fromtimestamp(record.created, UTC),
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            }
            request_id = request_id_var.get()
            if request_id is not None:
                entry["request_id"] = request_id
            entry.update(
                (key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES
            )
            if record.exc_info:
                entry["exception"] = _traceback_formatter.formatException(record.exc_info)
            if record.stack_info:
                entry["stack"] = record.stack_info
            write_line(entry)
        except Exception:
            self.handleError(record)


def log_request(method: str, path: str, status: int, duration_ms: float, request_id: str) -> None:
    """Log one served request, as RequestContextMiddleware does once per request.

    This goes around `logging` on purpose: a LogRecord, the handler's lock and a formatter cost
    more than everything else the middleware does, which matters on cheap routes like /health.
    The access logger's level (or the root's) still decides whether the line is written.
    """
    if not access_logger.isEnabledFor(logging.INFO):
        return
    entry: dict[str, object] = {
        "time": datetime.now(UTC),
        "level": "INFO",
        "logger": access_logger.name,
        "message": f"{method} {path} {status}",
        "request_id": request_id,
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
    }
    # Like a logging handler's errors: a line that cannot be written never fails the request.
    with suppress(OSError):
        write_line(entry)


def configure_logging(level: str) -> None:
    """Send every logger, uvicorn's included, through one JSON handler on stdout."""
    root = logging.getLogger()
    root.handlers = [JsonLinesHandler()]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers = []
        uvicorn_logger.propagate = True
        # uvicorn sets its own level at start (--log-level, INFO by default): use the root's.
        uvicorn_logger.setLevel(logging.NOTSET)
    # RequestContextMiddleware writes the access log, with the request id and duration;
    # uvicorn skips its own when its logger has no handler to reach.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers = []
    uvicorn_access.propagate = False
