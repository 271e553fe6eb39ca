import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from {{ cookiecutter.package_name }}.health_probe import probe


class Replies(BaseHTTPRequestHandler):
    """Answers GET /health with the status the test sets on the server."""

    def do_GET(self) -> None:
        status = self.server.status if self.path == "/health" else 404  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    with ThreadingHTTPServer(("127.0.0.1", 0), Replies) as server:
        server.status = 200  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server
        server.shutdown()


def port_of(server: ThreadingHTTPServer) -> str:
    return str(server.server_address[1])


def test_a_server_answering_200_is_alive(server: ThreadingHTTPServer) -> None:
    assert probe(port_of(server)) is None


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_answering_an_error_is_not(server: ThreadingHTTPServer, status: int) -> None:
    server.status = status  # type: ignore[attr-defined]

    assert probe(port_of(server)) == f"GET http://127.0.0.1:{port_of(server)}/health: HTTP {status}"


def test_nothing_listening_is_not_alive() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = str(unused.getsockname()[1])

    failure = probe(port)

    assert failure is not None
    assert failure.startswith(f"GET http://127.0.0.1:{port}/health: ")


def run_probe(port: str) -> subprocess.CompletedProcess[str]:
    """As HEALTHCHECK and the task definition run it, with UVICORN_PORT naming the port."""
    return subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}.health_probe"],
        env={**os.environ, "UVICORN_PORT": port},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def test_the_module_exits_0_when_alive_and_1_with_the_reason(server: ThreadingHTTPServer) -> None:
    alive = run_probe(port_of(server))
    server.status = 503  # type: ignore[attr-defined]
    failing = run_probe(port_of(server))

    assert (alive.returncode, alive.stderr) == (0, "")
    assert failing.returncode == 1
    assert failing.stderr == f"GET http://127.0.0.1:{port_of(server)}/health: HTTP 503\n"
