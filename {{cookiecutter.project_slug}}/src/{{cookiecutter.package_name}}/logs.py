"""JSON logs on stdout, one object per line, which is what CloudWatch Logs Insights queries best."""

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

# Set by RequestContextMiddleware for the duration of a request, so every line logged while
# serving it carries the request id without being passed around.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_encode = json.JSONEncoder(default=str).encode

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged
# (but uvicorn's copy of its messages with terminal colours).
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
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
            entry["exception"] = self.formatException(record.exc_info)
        return _encode(entry)


def configure_logging(level: str) -> None:
    """Send every logger, uvicorn's included, through one JSON handler on stdout."""
    # Skip collecting what the JSON lines leave out (the logging HOWTO's "Optimization"):
    # it is a fifth of the cost of a request's log line.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # RequestContextMiddleware writes the access log, with the request id and duration;
    # uvicorn skips its own when its logger has no handler to reach.
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
