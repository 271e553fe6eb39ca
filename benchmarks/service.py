"""Benchmark the default generated service against two references, and print the ratios.

    .venv/bin/python -m benchmarks.service [--duration 5] [--rounds 3] [--connections 64]

Renders the default project, installs it as its image does (locked, no dev dependencies,
bytecode compiled), starts PostgreSQL on loopback, and serves each app with one uvicorn worker
(uvloop, httptools). wrk then loads `/health`, `GET /items/{id}`, `GET /items?limit=50` and
`POST /items`. The references run on the same interpreter, packages and table:

- floor: a bare FastAPI app with the same `/health` route and no middleware;
- ceiling: a bare FastAPI app reading the items table through a raw asyncpg pool.

Every target is a ratio to one of them, so the verdicts hold on a noisy machine: the three
servers run side by side, each figure is measured in several rounds with the service and its
reference loaded back to back, and the table reports medians. Needs wrk (Debian package `wrk`),
PostgreSQL server binaries and Python 3.12; prints figures, not a test.
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
from statistics import median

import httpx

from harness import postgres
from harness.project import MISSING_TOOLCHAIN, free_port, project_environment, run, sync
from harness.rendering import run_cookiecutter

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


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # connect, read and write errors
    timeouts: int  # responses slower than wrk's 2 s timeout
    non_2xx: int


@dataclass(frozen=True)
class Figure:
    name: str
    path: str
    reference: str | None = None  # the server it is compared with: "floor" or "ceiling"
    target: float | None = None  # the lowest acceptable ratio to the reference
    script: str | None = None


FIGURES = [
    Figure("/health", "/health", "floor", 0.85),
    Figure("GET /items/{id}", "/items/500", "ceiling", 0.60),
    Figure("GET /items?limit=50", "/items?limit=50", "ceiling", 0.60),
    Figure("POST /items", "/items", script=POST_SCRIPT),
]
REFERENCE_LABELS = {"floor": "bare FastAPI", "ceiling": "raw asyncpg"}


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
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def parse_wrk(output: str) -> Load:
    """The figures of one `wrk --latency` run."""
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
        errors=sum(int(count) for count in errors.groups()[:3]) if errors else 0,
        timeouts=int(errors.group(4)) if errors else 0,
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
        self.log = (cwd / f"{target.replace(':', '_')}.{self.port}.log").open("w")
        started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=self.log, stderr=self.log)
        self.start_to_ready = self._wait(started)

    def _wait(self, started: float) -> float:
        # The asyncpg reference has no /health: its 404 says it serves as well.
        while time.monotonic() - started < 30:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.url}: the server exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code in (200, 404):
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{self.url}: no answer in 30s")

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def measure(
    servers: dict[str, Uvicorn], args: argparse.Namespace
) -> dict[str, list[tuple[Load, Load | None]]]:
    """Each figure `args.rounds` times: (service, reference) pairs, measured back to back.

    Interleaving puts the service and its reference under the same background load, and who
    goes first alternates between rounds, so a load that rises or falls favours neither.
    """
    for figure in FIGURES:  # warm-up: pools filled, caches hot
        for name in filter(None, ["service", figure.reference]):
            wrk(servers[name].url + figure.path, 2, args.connections, figure.script)

    pairs: dict[str, list[tuple[Load, Load | None]]] = {figure.name: [] for figure in FIGURES}
    for round_number in range(1, args.rounds + 1):
        print(f"  round {round_number} of {args.rounds}", flush=True)
        for figure in FIGURES:
            order = [name for name in ["service", figure.reference] if name is not None]
            if round_number % 2 == 0:
                order.reverse()
            url = {name: servers[name].url + figure.path for name in order}
            loads = {
                name: wrk(url[name], args.duration, args.connections, figure.script)
                for name in order
            }
            reference = loads[figure.reference] if figure.reference else None
            pairs[figure.name].append((loads["service"], reference))
    return pairs


def table(
    pairs: dict[str, list[tuple[Load, Load | None]]], start_to_ready: float, rss_mb: float
) -> tuple[list[tuple[str, ...]], bool]:
    """The printed rows (medians over the rounds), and whether every target was met."""
    rows = [("figure", "service", "reference", "ratio", "target", "met?")]
    met = True
    for figure in FIGURES:
        service = [load for load, _ in pairs[figure.name]]
        references = [load for _, load in pairs[figure.name] if load is not None]
        errors = sum(load.errors for load in service)
        timeouts = sum(load.timeouts for load in service)
        non_2xx = sum(load.non_2xx for load in service)
        # A reference that failed requests measured something else: its ratio means nothing.
        reference_failures = sum(load.errors + load.timeouts + load.non_2xx for load in references)
        # Each round's ratio compares two runs made back to back, under the same load.
        ratios = [
            load.requests_per_second / reference.requests_per_second
            for load, reference in pairs[figure.name]
            if reference is not None
        ]
        ratio = median(ratios) if ratios else None
        ok = errors == 0 and timeouts == 0 and non_2xx == 0
        if figure.target is not None:
            ok &= ratio is not None and ratio >= figure.target and reference_failures == 0
        met &= ok
        label = REFERENCE_LABELS.get(figure.reference or "", "")
        rows.append(
            (
                f"{figure.name} req/s",
                f"{median(load.requests_per_second for load in service):,.0f}",
                f"{median(load.requests_per_second for load in references):,.0f} ({label})"
                if references
                else "-",
                f"{ratio:.2f}" if ratio is not None else "-",
                f">= {figure.target:.2f}" if figure.target else "no errors",
                "yes" if ok else "NO",
            )
        )
        rows.append(
            (
                f"{figure.name} p50 / p99 ms",
                f"{median(load.p50_ms for load in service):.2f} / "
                f"{median(load.p99_ms for load in service):.2f}",
                f"{median(load.p50_ms for load in references):.2f} / "
                f"{median(load.p99_ms for load in references):.2f}"
                if references
                else "-",
                "",
                "",
                f"errors {errors}, timeouts {timeouts}, non-2xx {non_2xx}"
                + (f"; reference failed {reference_failures}" if reference_failures else ""),
            )
        )
    for name, value, limit, unit in [
        ("start to first 200 on /health", start_to_ready, 1.5, "s"),
        ("RSS after the run", rss_mb, 120, "MB"),
    ]:
        ok = value < limit
        met &= ok
        rows.append(
            (name, f"{value:.2f} {unit}", "-", "-", f"< {limit} {unit}", "yes" if ok else "NO")
        )
    return rows, met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs per figure and server")
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
    servers: dict[str, Uvicorn] = {}
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

        # The service logs every request as production does; stdout goes to a file here.
        service_app = f"{package}.main:create_app"
        servers["service"] = Uvicorn(bin_dir, service_app, workdir, env, factory=True)
        servers["floor"] = Uvicorn(bin_dir, "floor_app:app", workdir, env, factory=False)
        servers["ceiling"] = Uvicorn(bin_dir, "ceiling_app:app", workdir, env, factory=False)
        print(
            f"Measuring: {args.rounds} rounds of {args.duration}s wrk runs per figure and server, "
            f"{args.connections} connections",
            flush=True,
        )
        pairs = measure(servers, args)
        rss_mb = servers["service"].rss_mb()
        for server in servers.values():
            server.stop()

        # Start-to-ready on a warm page cache with nothing else serving, median of three starts.
        start_times = []
        for _ in range(3):
            restarted = Uvicorn(bin_dir, service_app, workdir, env, factory=True)
            start_times.append(restarted.start_to_ready)
            restarted.stop()
    finally:
        for server in servers.values():
            if server.process.poll() is None:
                server.process.kill()
        database.close()
        shutil.rmtree(workdir, ignore_errors=True)

    rows, met = table(pairs, median(start_times), rss_mb)
    print(f"\nMedians of {args.rounds} rounds; ratio: median of the per-round ratios.\n")
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
