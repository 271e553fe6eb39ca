"""Run a generated project as its developers would: its environment, its make targets, its server.

The environment comes from the project's own uv.lock (`uv sync --locked`) on Python 3.12, in the
project folder. uv's cache makes that a matter of links, about a second, so every test gets a
private environment and no two tests ever install into the same one.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

TEMPLATE_BIN = Path(sys.executable).parent
UV = shutil.which("uv", path=str(TEMPLATE_BIN)) or shutil.which("uv")
# Variables of the calling shell that would leak into a generated project's settings or tools.
LEAKY_VARIABLES = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONDONTWRITEBYTECODE",
    "DATABASE_URL",
    "ENVIRONMENT",
    "LOG_LEVEL",
    "UV_PROJECT_ENVIRONMENT",
)


@functools.cache
def python312() -> str | None:
    """A CPython 3.12 interpreter: $PYTHON312, python3.12 on PATH, or one installed by pyenv.

    Each candidate must run: a pyenv shim on PATH exists even when no 3.12 is selected.
    """
    candidates = [os.environ.get("PYTHON312"), shutil.which("python3.12")]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.12.*/bin/python3.12"), reverse=True)
    for path in candidates:
        if path and os.access(path, os.X_OK):
            probe = subprocess.run([path, "-c", ""], capture_output=True, check=False)
            if probe.returncode == 0:
                return path
    return None


MISSING_TOOLCHAIN = (
    "no Python 3.12 interpreter (set PYTHON312 or put python3.12 on PATH)"
    if python312() is None
    else "uv not found next to the test interpreter nor on PATH"
    if UV is None
    else None
)


def project_environment(**overrides: str) -> dict[str, str]:
    """The environment a developer's shell would have in the project: uv and make, nothing else."""
    env = {key: value for key, value in os.environ.items() if key not in LEAKY_VARIABLES}
    if UV is not None:
        env["PATH"] = os.pathsep.join([str(Path(UV).parent), env.get("PATH", "")])
    env["UV_PYTHON"] = python312() or ""
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env["UV_NO_PROGRESS"] = "1"
    env.update(overrides)
    return env


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command, failing the test with its whole output if it fails."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    described = " ".join(command)
    assert result.returncode == 0, f"{described} exited {result.returncode}:\n{result.stdout}"
    return result


def sync(project: Path, *options: str) -> Path:
    """Create the project's .venv from its lock, as `make install` does; returns its bin folder."""
    run([str(UV), "sync", "--locked", *options], project, project_environment())
    return project / ".venv" / "bin"


def git(*args: str, cwd: Path) -> str:
    """Run git in a test repository, as a fixed author; returns what it printed."""
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def item_lifecycle(base_url: str) -> None:
    """Create, read, refuse a duplicate and bad input, list, update, delete, then a 404."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        created = client.post("/items", json={"name": "widget", "description": "blue"})
        assert created.status_code == 201, created.text
        item = created.json()
        location = created.headers["location"]

        assert client.get(location).json() == item
        assert client.post("/items", json={"name": "widget"}).status_code == 409
        assert client.post("/items", json={"name": ""}).status_code == 422
        assert client.get("/items", params={"limit": 1000}).status_code == 422

        page = client.get("/items", params={"limit": 50}).json()
        assert [listed["id"] for listed in page["items"]] == [item["id"]]

        patched = client.patch(location, json={"description": "red"})
        assert patched.status_code == 200
        assert patched.json()["description"] == "red"

        assert client.delete(location).status_code == 204
        missing = client.get(location)
        assert missing.status_code == 404
        assert missing.json() == {"detail": f"Item {item['id']} not found"}


def dockerfile_command(project: Path) -> list[str]:
    """The exec-form CMD of the project's Dockerfile (the last one: the runtime stage's)."""
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=str(project / "Dockerfile"))
    commands = [item["value"] for item in parser.structure if item["instruction"] == "CMD"]
    return json.loads(commands[-1])


def dockerfile_uvicorn_environment(project: Path) -> dict[str, str]:
    """The runtime stage's UVICORN_* settings (uvicorn reads its options from them)."""
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=str(project / "Dockerfile"))
    return {name: value for name, value in parser.envs.items() if name.startswith("UVICORN_")}


def with_option(command: list[str], option: str, value: str) -> list[str]:
    index = command.index(option)
    return [*command[: index + 1], value, *command[index + 2 :]]


class Server:
    """The generated service, started as its image starts it (CMD and the UVICORN_* settings),
    on a loopback port."""

    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = dockerfile_command(project)
        command = with_option(command, "--host", "127.0.0.1")
        command[0] = str(project / ".venv" / "bin" / command[0])
        env = {**dockerfile_uvicorn_environment(project), **env, "UVICORN_PORT": str(self.port)}
        self.log_path = project / "server.log"
        self._log = self.log_path.open("w")
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=project, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_until_live(self, timeout: float = 30) -> float:
        """Seconds from process start to the first 200 on /health."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server exited early:\n{self.log()}"
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return time.monotonic() - self.started
            time.sleep(0.02)
        raise AssertionError(f"no 200 on /health within {timeout}s:\n{self.log()}")

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as ECS sends it, then wait for the process to exit; returns its exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_entries(self) -> list[dict[str, object]]:
        """The server's JSON log lines (every line must be one)."""
        return [json.loads(line) for line in self.log().splitlines() if line.strip()]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()
