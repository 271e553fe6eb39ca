"""`make demo`, the first command of the README: the default project, served on SQLite."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.generated import MISSING_TOOLCHAIN, free_port, project_environment
from tests.rendering import TEMPLATE_ROOT


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
        os.killpg(demo.pid, signal.SIGTERM)
        output = demo.communicate(timeout=30)[0]

    assert f"open http://127.0.0.1:{port}/docs" in output
    # The migrations ran on the embedded SQLite file: the table exists.
    assert created.status_code == 201, created.text
    assert ready.json() == {"status": "ok", "reason": None}
    assert (tmp_path / "demo" / "orders-api" / "local.db").is_file()
