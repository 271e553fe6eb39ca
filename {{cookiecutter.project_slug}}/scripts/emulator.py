"""Run a command against an emulated AWS: `make run` serves this way, with no Docker and no
AWS account.

    uv run python scripts/emulator.py uvicorn --factory {{ cookiecutter.package_name }}.main:create_app

Starts moto's server on a free loopback port, creates the items table in it, and runs the
command with AWS_ENDPOINT_URL pointing there and made-up credentials (so nothing it does can
reach AWS). The emulator, and what it holds, lasts as long as the command: uvicorn's reloads
keep it, stopping the command ends it.
"""

import logging
import os
import subprocess
import sys
from threading import Thread

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from {{ cookiecutter.package_name }}.config import load_settings
from {{ cookiecutter.package_name }}.local_table import create_local_table


def serve_one_request_at_a_time() -> BaseWSGIServer:
    """moto's server on a free loopback port, in a thread of its own, one request at a time.

    moto writes a transaction's parts one by one and, when one fails, puts back a copy of the
    whole table taken before: two transactions at once would undo each other's writes, where
    DynamoDB isolates them. The tests (conftest.py) use this server too.
    """
    server = make_server(
        "127.0.0.1",
        0,
        DomainDispatcherApplication(create_backend_app),
        threaded=False,
        request_handler=MotoRequestHandler,
    )
    Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(command: list[str]) -> int:
    if not command:
        sys.exit("usage: python scripts/emulator.py <command> [arguments]")
    # The emulator's access log would bury the service's own.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = serve_one_request_at_a_time()
    host, port = server.server_address[:2]
    os.environ.update(
        AWS_ENDPOINT_URL=f"http://{host}:{port}",
        AWS_ACCESS_KEY_ID="emulator",
        AWS_SECRET_ACCESS_KEY="emulator",  # noqa: S106 (made up: moto takes any)
    )
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        os.environ.pop(name, None)
    try:
        settings = load_settings()
        create_local_table(settings.items_table, settings.aws_region)
        print(
            f"Emulated DynamoDB on http://{host}:{port}, table {settings.items_table} "
            "(in memory: gone when this stops)",
            file=sys.stderr,
        )
        return subprocess.call(command)  # noqa: S603 (the developer's own command line)
    except KeyboardInterrupt:
        return 130
    finally:
        server.shutdown()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
