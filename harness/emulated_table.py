"""The items table of the DynamoDB variant, where the harness runs the generated service (its
server and its image): moto's server on a loopback port, the table created in it by the
project's own `local_table` module, as `make run` and docker compose create it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
from moto.server import ThreadedMotoServer

TABLE = "orders-api-test-items"
REGION = "us-east-1"


@contextlib.contextmanager
def emulated_dynamodb() -> Iterator[int]:
    """moto's server on a free loopback port (the port), empty, for as long as the block runs."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    port = server.get_host_and_port()[1]
    # moto keeps what it emulates per process, not per server: start from nothing.
    httpx.post(f"http://127.0.0.1:{port}/moto-api/reset", timeout=10).raise_for_status()
    try:
        yield port
    finally:
        server.stop()


def table_settings(endpoint: str) -> dict[str, str]:
    """What the service needs to use the emulated table at `endpoint`: made-up credentials."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "ITEMS_TABLE": TABLE,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
