"""Benchmark the default generated service against two references, and print the ratios.

    .venv/bin/python -m benchmarks.service [--duration 10] [--connections 64]

Renders the default project, installs it as its image does (locked, no dev dependencies,
bytecode compiled), starts PostgreSQL on loopback, and serves each app with one uvicorn worker
(uvloop, httptools). wrk then loads `/health`, `GET /items/{id}`, `GET /items?limit=50` and
`POST /items`. The references run on the same interpreter, packages and table:

- floor: a bare FastAPI app with the same `/health` route and no middleware;
- ceiling: a bare FastAPI app reading the items table through a raw asyncpg pool.

Every target is a ratio to one of them, so the verdicts hold on a noisy machine. Needs wrk
(Debian package `wrk`), PostgreSQL server binaries and Python 3.12; prints figures, not a test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests import postgres
from tests.generated import MISSING_TOOLCHAIN, free_port, project_environment, run, sync
from tests.rendering import run_cookiecutter

SEEDED_ITEMS = 1000
UVICORN_OPTIONS = ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]

FLOOR_APP = """
from fastapi import FastAPI
from pydantic import BaseModel


class Health(BaseModel):
    status: str
    reason: str | None = None


app = FastAPI()


@app.get("/health")
async def liveness() -> Health:
    return Health(status="ok")
"""

CEILING_APP = """
import os
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg
from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel


class Item(BaseModel):
    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class ItemPage(BaseModel):
    items: list[Item]
    next_after: int | None


COLUMNS = "id, name, description, created_at, updated_at"


@asynccontextmanager
async def lifespan(app):
    dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    app.state.pool = await asyncpg.create_pool(dsn, min_size=10, max_size=20)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/items/{item_id}")
async def get_item(item_id: int, request: Request) -> Item:
    row = await request.app.state.pool.fetchrow(
        f"SELECT {COLUMNS} FROM items WHERE id = $1", item_id
    )
    if row is None:
        raise HTTPException(404)
    return Item(**row)


@app.get("/items")
async def list_items(request: Request, limit: int = 20, after: int = 0) -> ItemPage:
    rows = await request.app.state.pool.fetch(
        f"SELECT {COLUMNS} FROM items WHERE id > $1 ORDER BY id LIMIT $2", after, limit + 1
    )
    items = [Item(**row) for row in rows[:limit]]
    return ItemPage(items=items, next_after=items[-1].id if len(rows) > limit else None)
"""

SEED_SCRIPT = """
import asyncio, os, sys
import asyncpg

async def main():
    dsn = os.environ["DATABASE_URL"].replace("postgresql+asyncpg", "postgresql")
    connection = await asyncpg.connect(dsn)
    await connection.executemany(
        "INSERT INTO items (name, description) VALUES ($1, $2)",
        [(f"seed-{number}", "seeded for the benchmark") for number in range(int(sys.argv[1]))],
    )
    await connection.execute("ANALYZE items")
    await connection.close()

asyncio.run(main())
"""

# Unique names per request across wrk's threads and runs, so every create is a 201.
POST_SCRIPT = """
local thread_counter = 0
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_id", thread_counter)
end
local sent = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  sent = sent + 1
  local body = string.format('{"name": "bench-%d-%d-%d"}', RUN_ID, thread_id, sent)
  return wrk.format(nil, "/items", nil, body)
end
"""


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int


def to_ms(figure: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", figure)
    if match is None:
        raise ValueError(f"unexpected wrk figure {figure!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(url: str, duration: int, connections: int, script: str | None = None) -> Load:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        path = Path(tempfile.mkdtemp()) / "script.lua"
        path.write_text(script.replace("RUN_ID", str(time.time_ns())))
        command[1:1] = ["-s", str(path)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Requests/sec" not in output or "99%" not in output:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)),  # type: ignore[union-attr]
        p99_ms=to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)),  # type: ignore[union-attr]
        errors=sum(int(count) for count in errors.groups()) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


class Uvicorn:
    """One uvicorn worker serving `target`; records the time from start to the first 200."""

    def __init__(self, bin_dir: Path, target: str, cwd: Path, env: dict[str, str], factory: bool):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(bin_dir / "uvicorn"), target, "--port", str(self.port), *UVICORN_OPTIONS]
        if factory:
            command.insert(1, "--factory")
        self.log = (cwd / f"{target.replace(':', '_')}.log").open("w")
        started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=self.log)
        self.start_to_ready = self._wait(started)

    def _wait(self, started: float) -> float:
        # The asyncpg reference has no /health: its 404 says it serves as well.
        while time.monotonic() - started < 30:
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code in (200, 404):
                    return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.005)
        raise RuntimeError(f"{self.url}: no answer in 30s")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def measure(server: Uvicorn, path: str, args: argparse.Namespace, script: str | None = None):
    wrk(server.url + path, 2, args.connections, script)  # warm-up: pools filled, caches hot
    return wrk(server.url + path, args.duration, args.connections, script)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    missing = [
        reason
        for reason, absent in [
            ("wrk (apt-get install wrk)", shutil.which("wrk") is None),
            (postgres.MISSING, not postgres.binaries_present()),
            (str(MISSING_TOOLCHAIN), MISSING_TOOLCHAIN is not None),
        ]
        if absent
    ]
    if missing:
        print("cannot run the benchmark: missing " + "; ".join(missing), file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="benchmark-"))
    database = postgres.PostgresServer()
    servers: list[Uvicorn] = []
    try:
        result = run_cookiecutter({}, workdir / "render")
        assert result.returncode == 0, result.stderr
        (project,) = (workdir / "render").iterdir()
        bin_dir = sync(project, "--no-dev", "--no-editable", "--compile-bytecode")
        package = next((project / "src").iterdir()).name
        (workdir / "floor_app.py").write_text(textwrap.dedent(FLOOR_APP))
        (workdir / "ceiling_app.py").write_text(textwrap.dedent(CEILING_APP))
        (workdir / "seed.py").write_text(textwrap.dedent(SEED_SCRIPT))

        database.start()
        env = project_environment(DATABASE_URL=database.url, LOG_LEVEL="INFO")
        run([str(bin_dir / "alembic"), "upgrade", "head"], project, env)
        run([str(bin_dir / "python"), str(workdir / "seed.py"), str(SEEDED_ITEMS)], workdir, env)

        print(f"Measuring: {args.duration}s per figure, {args.connections} connections", flush=True)
        # The service logs every request as production does; stdout goes to a file here.
        service = Uvicorn(bin_dir, f"{package}.main:create_app", workdir, env, factory=True)
        servers.append(service)
        results = {
            "/health": measure(service, "/health", args),
            "GET /items/{id}": measure(service, "/items/500", args),
            "GET /items?limit=50": measure(service, "/items?limit=50", args),
            "POST /items": measure(service, "/items", args, POST_SCRIPT),
        }
        service_rss = service.rss_mb()
        service.stop()
        # Start-to-ready again, on a warm page cache and with the service otherwise idle.
        restarted = Uvicorn(bin_dir, f"{package}.main:create_app", workdir, env, factory=True)
        start_to_ready = restarted.start_to_ready
        restarted.stop()

        floor = Uvicorn(bin_dir, "floor_app:app", workdir, env, factory=False)
        servers.append(floor)
        floor_health = measure(floor, "/health", args)
        floor.stop()
        ceiling = Uvicorn(bin_dir, "ceiling_app:app", workdir, env, factory=False)
        servers.append(ceiling)
        ceiling_get = measure(ceiling, "/items/500", args)
        ceiling_list = measure(ceiling, "/items?limit=50", args)
        ceiling.stop()
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.kill()
        database.close()
        shutil.rmtree(workdir, ignore_errors=True)

    references = {
        "/health": (floor_health, "bare FastAPI", 0.85),
        "GET /items/{id}": (ceiling_get, "raw asyncpg", 0.60),
        "GET /items?limit=50": (ceiling_list, "raw asyncpg", 0.60),
        "POST /items": (None, "", None),
    }
    rows = [("figure", "service", "reference", "ratio", "target", "")]
    failed = False
    for name, load in results.items():
        reference, label, target = references[name]
        ratio = load.requests_per_second / reference.requests_per_second if reference else None
        ok = (ratio is None or ratio >= target) and load.errors == 0 and load.non_2xx == 0
        failed |= not ok
        rows.append(
            (
                f"{name} req/s",
                f"{load.requests_per_second:,.0f}",
                f"{reference.requests_per_second:,.0f} ({label})" if reference else "-",
                f"{ratio:.2f}" if ratio else "-",
                f">= {target:.2f}" if target else "no errors",
                "ok" if ok else "MISSED",
            )
        )
        rows.append(
            (
                f"{name} p50 / p99 ms",
                f"{load.p50_ms:.2f} / {load.p99_ms:.2f}",
                f"{reference.p50_ms:.2f} / {reference.p99_ms:.2f}" if reference else "-",
                "",
                "",
                f"errors {load.errors}, non-2xx {load.non_2xx}",
            )
        )
    for name, value, limit, unit in [
        ("start to first 200 on /health", start_to_ready, 1.5, "s"),
        ("RSS after the run", service_rss, 120, "MB"),
    ]:
        ok = value < limit
        failed |= not ok
        rows.append(
            (name, f"{value:.2f} {unit}", "-", "-", f"< {limit} {unit}", "ok" if ok else "MISSED")
        )

    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
