"""`make demo`, the first command of the README: the default project, served on SQLite."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from harness.project import MISSING_TOOLCHAIN, free_port, project_environment
from harness.rendering import TEMPLATE_ROOT


@pytest.mark.slow
@pytest.mark.skipif(MISSING_TOOLCHAIN is not None, reason=str(MISSING_TOOLCHAIN))
def test_make_demo_serves_the_default_project_on_sqlite(tmp_path: Path) -> None:
    port = free_port()
    demo = subprocess.Popen(
        ["make", "demo", f"DEMO_DIR={tmp_path / 'demo'}", f"DEMO_PORT={port}"],
        cwd=TEMPLATE_ROOT,
        # No database settings at all, as on a newcomer's machine.
        env=project_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make, uvicorn's reloader and its worker: stopped together
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert demo.poll() is None, demo.stdout.read() if demo.stdout else ""
            try:
                if httpx.get(f"{base_url}/docs", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "make demo served no /docs within 180s"
            time.sleep(0.5)
        created = httpx.post(f"{base_url}/items", json={"name": "first"}, timeout=5)
        ready = httpx.get(f"{base_url}/health/ready", timeout=5)
    finally:
        # Ctrl-C, as the README says: the terminal sends SIGINT to the whole process group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(demo.pid, signal.SIGINT)
        try:
            output = demo.communicate(timeout=30)[0]
        finally:
            # Whatever outlived it goes too, so that a failure leaves nothing serving.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(demo.pid, signal.SIGKILL)

    assert f"open http://127.0.0.1:{port}/docs" in output
    # The migrations ran on the embedded SQLite file: the table exists.
    assert created.status_code == 201, created.text
    assert ready.json() == {"status": "ok", "reason": None}
    assert (tmp_path / "demo" / "orders-api" / "local.db").is_file()
    # Rendering and serving need cookiecutter and uv, not the template's test toolchain.
    demo_tools = TEMPLATE_ROOT / ".venv-demo" / "bin"
    assert (demo_tools / "cookiecutter").is_file()
    assert (demo_tools / "uv").is_file()
    assert not (demo_tools / "pytest").exists()
    assert not (demo_tools / "copier").exists()


def test_make_refuses_a_python_older_than_3_11(tmp_path: Path) -> None:
    stand_in = tmp_path / "python3.10"
    stand_in.write_text("#!/bin/sh\nexit 1\n")  # what the version check gets from a 3.10
    stand_in.chmod(0o755)
    result = subprocess.run(
        ["make", "demo", f"PYTHON={stand_in}", f"DEMO_DIR={tmp_path / 'demo'}"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"error: {stand_in} is not Python 3.11 or newer" in result.stderr
    assert "make demo PYTHON=python3.12" in result.stderr
    assert not (tmp_path / "demo").exists()
