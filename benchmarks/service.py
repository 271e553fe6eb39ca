"""Benchmark the default generated service against references, and print the table.

    .venv/bin/python -m benchmarks.service [--duration 5] [--rounds 3] [--connections 64]

Renders the default project, installs it as its image does (locked, no dev dependencies,
bytecode compiled), starts PostgreSQL on loopback, and serves each app with one uvicorn worker
(uvloop, httptools); the service as on ECS, with ENVIRONMENT=production (so no /docs routes)
and its access log on. wrk (one thread) then loads `/health`, `GET /items/{id}`,
`GET /items?limit=50` and `POST /items`. The references run on the same interpreter, packages
and table:

- bare FastAPI: the same `/health` route, no middleware, no access log;
- bare FastAPI logged: the same, with uvicorn's default access log (what most deployments run);
- the service unlogged: the service itself with LOG_LEVEL=WARNING, which drops its access log;
- raw asyncpg: a bare FastAPI app reading the items table through a raw asyncpg pool.

Each figure reports req/s, p50/p99 and the server's CPU per request (user + system time from
/proc/<pid>/stat over the measured run, divided by the requests served): CPU per request is
steadier than throughput on a shared machine, and is what a task's vCPU pays for. Every target
compares the service with a reference measured back to back in the same round, so the
verdicts hold on a noisy machine; the table reports medians over the rounds. Needs wrk (Debian
package `wrk`), PostgreSQL server binaries and Python 3.12; prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median

import httpx

from harness import postgres
from harness.project import MISSING_TOOLCHAIN, free_port, project_environment, run, sync
from harness.rendering import run_cookiecutter

SEEDED_ITEMS = 1000
UVICORN_OPTIONS = ["--loop", "uvloop", "--http", "httptools"]
CLOCK_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")

BARE_APP = """
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

RAW_ASYNCPG_APP = """
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
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # connect, read and write errors
    timeouts: int  # responses slower than wrk's 2 s timeout
    non_2xx: int
    cpu_us_per_request: float = 0.0  # the server's user + system CPU over the run, per request

    @property
    def failures(self) -> int:
        return self.errors + self.timeouts + self.non_2xx


@dataclass(frozen=True)
class Figure:
    """One load of the service, and what it must achieve against its reference's."""

    name: str
    path: str
    reference: str | None = None  # the server loaded back to back with the service
    min_rps_ratio: float | None = None  # service req/s >= this x the reference's
    max_cpu_ratio: float | None = None  # service CPU per request <= this x the reference's
    max_cpu_extra_us: float | None = None  # service CPU per request - the reference's <= this
    max_p99_ratio: float | None = None  # service p99 <= this x the reference's
    connections: int | None = None  # None: --connections
    duration: int | None = None  # seconds; None: --duration
    # Seconds after which wrk counts a request as timed out (wrk's default: 2).
    timeout: int = 2
    script: str | None = None


FIGURES = [
    Figure("/health vs the usual deployment", "/health", "bare_logged", min_rps_ratio=1.05,
           max_cpu_ratio=0.95),
    Figure("/health p99 vs bare FastAPI", "/health", "bare", max_p99_ratio=2.0),
    Figure("the access log line", "/health", "service_unlogged", max_cpu_extra_us=15),
    Figure("GET /items/{id}", "/items/500", "raw_asyncpg", min_rps_ratio=0.55),
    Figure("GET /items?limit=50", "/items?limit=50", "raw_asyncpg", min_rps_ratio=0.55),
    Figure("POST /items", "/items", script=POST_SCRIPT),
    # Four times the connections the pool has: requests queue for one, and any still unanswered
    # after the service's own wait for a connection (DB_CONNECT_TIMEOUT, 5 s, then a 503)
    # would be a stall.
    Figure("GET /items/{id}, 256 connections", "/items/500", connections=256, duration=10,
           timeout=6),
]  # fmt: skip
REFERENCE_LABELS = {
    "bare": "bare FastAPI",
    "bare_logged": "bare FastAPI, uvicorn's access log",
    "service_unlogged": "the service, no access log",
    "raw_asyncpg": "raw asyncpg",
}


def to_ms(figure: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", figure)
    if match is None:
        raise ValueError(f"unexpected wrk figure {figure!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(
    url: str, duration: int, connections: int, script: str | None = None, timeout: int = 2
) -> Load:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout}s"]
    command += ["--latency", url]
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
        requests=int(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)),  # type: ignore[union-attr]
        p99_ms=to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)),  # type: ignore[union-attr]
        errors=sum(int(count) for count in errors.groups()[:3]) if errors else 0,
        timeouts=int(errors.group(4)) if errors else 0,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def cpu_seconds(stat: str) -> float:
    """User + system CPU seconds of a process, from its /proc/<pid>/stat line."""
    # Fields after the command name (which may hold spaces): utime and stime are the 12th
    # and 13th.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS_PER_SECOND


class Uvicorn:
    """One uvicorn worker serving `target`; records the time from start to the first 200."""

    def __init__(
        self,
        bin_dir: Path,
        target: str,
        cwd: Path,
        env: dict[str, str],
        factory: bool,
        access_log: bool = False,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(bin_dir / "uvicorn"), target, "--port", str(self.port), *UVICORN_OPTIONS]
        if factory:
            command.insert(1, "--factory")
        if not access_log:
            command.append("--no-access-log")
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

    def load(self, figure: Figure, duration: int, connections: int) -> Load:
        """wrk against this server, with the CPU it spent serving the load."""
        stat = Path(f"/proc/{self.process.pid}/stat")
        before = cpu_seconds(stat.read_text())
        load = wrk(self.url + figure.path, duration, connections, figure.script, figure.timeout)
        spent = cpu_seconds(stat.read_text()) - before
        return replace(load, cpu_us_per_request=spent * 1e6 / max(load.requests, 1))

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
            servers[name].load(figure, 2, figure.connections or args.connections)

    pairs: dict[str, list[tuple[Load, Load | None]]] = {figure.name: [] for figure in FIGURES}
    for round_number in range(1, args.rounds + 1):
        print(f"  round {round_number} of {args.rounds}", flush=True)
        for figure in FIGURES:
            order = [name for name in ["service", figure.reference] if name is not None]
            if round_number % 2 == 0:
                order.reverse()
            loads = {
                name: servers[name].load(
                    figure, figure.duration or args.duration, figure.connections or args.connections
                )
                for name in order
            }
            reference = loads[figure.reference] if figure.reference else None
            pairs[figure.name].append((loads["service"], reference))
    return pairs


def compared(pairs: list[tuple[Load, Load | None]], measure: str) -> float | None:
    """The median over the rounds of one comparison of the service with its reference, each
    made within a round (two runs back to back, under the same background load)."""
    comparisons = {
        "rps_ratio": lambda s, r: s.requests_per_second / r.requests_per_second,
        "cpu_ratio": lambda s, r: s.cpu_us_per_request / max(r.cpu_us_per_request, 1e-9),
        "cpu_extra": lambda s, r: s.cpu_us_per_request - r.cpu_us_per_request,
        "p99_ratio": lambda s, r: s.p99_ms / max(r.p99_ms, 1e-9),
    }
    values = [comparisons[measure](s, r) for s, r in pairs if r is not None]
    return median(values) if values else None


def measured(name: str, loads: list[Load]) -> tuple[str, ...]:
    """A table row of medians: req/s, CPU per request, p50 / p99, failed requests."""
    return (
        name,
        f"{median(load.requests_per_second for load in loads):,.0f}",
        f"{median(load.cpu_us_per_request for load in loads):.1f}",
        f"{median(load.p50_ms for load in loads):.2f} / "
        f"{median(load.p99_ms for load in loads):.2f}",
        str(sum(load.failures for load in loads)),
        "",
    )


# (Figure attribute, comparison, how the limit holds, how the target reads)
TARGETS = [
    ("min_rps_ratio", "rps_ratio", ">=", "x its req/s"),
    ("max_cpu_ratio", "cpu_ratio", "<=", "x its CPU/request"),
    ("max_cpu_extra_us", "cpu_extra", "<=", " us CPU/request more"),
    ("max_p99_ratio", "p99_ratio", "<=", "x its p99"),
]


def table(
    pairs: dict[str, list[tuple[Load, Load | None]]], start_to_ready: float, rss_mb: float
) -> tuple[list[tuple[str, ...]], bool]:
    """The printed rows (medians over the rounds), and whether every target was met."""
    rows = [("figure", "req/s", "CPU us/request", "p50 / p99 ms", "failed", "verdict")]
    met = True
    for figure in FIGURES:
        service = [load for load, _ in pairs[figure.name]]
        references = [load for _, load in pairs[figure.name] if load is not None]
        failures = sum(load.failures for load in service)
        row = measured(figure.name, service)
        rows.append((*row[:-1], "yes" if failures == 0 else "NO: failed requests"))
        met &= failures == 0
        if not references:
            continue
        # A reference that failed requests measured something else: comparisons mean nothing.
        reference_ok = sum(load.failures for load in references) == 0
        rows.append(measured(f"  vs {REFERENCE_LABELS[figure.reference or '']}", references))
        for attribute, measure, sense, unit in TARGETS:
            limit = getattr(figure, attribute)
            if limit is None:
                continue
            value = compared(pairs[figure.name], measure)
            ok = (
                reference_ok
                and value is not None
                and (value >= limit if sense == ">=" else value <= limit)
            )
            met &= ok
            shown = "-" if value is None else f"{value:.2f}"
            rows.append(
                (f"  {sense} {limit}{unit}", "", "", "", "", f"{shown}: {'yes' if ok else 'NO'}")
            )
    for name, value, limit, unit in [
        ("start to first 200 on /health", start_to_ready, 1.5, "s"),
        ("RSS after the run", rss_mb, 120, "MB"),
    ]:
        ok = value < limit
        met &= ok
        rows.append(
            (
                f"{name} < {limit} {unit}",
                "",
                "",
                "",
                "",
                f"{value:.2f} {unit}: {'yes' if ok else 'NO'}",
            )
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
        (workdir / "bare_app.py").write_text(textwrap.dedent(BARE_APP))
        (workdir / "raw_asyncpg_app.py").write_text(textwrap.dedent(RAW_ASYNCPG_APP))
        (workdir / "seed.py").write_text(textwrap.dedent(SEED_SCRIPT))

        database.start()
        # The service runs as deployed: its production settings (no /docs routes) and its
        # access log on; the references ignore both.
        env = project_environment(
            DATABASE_URL=database.url, ENVIRONMENT="production", LOG_LEVEL="INFO"
        )
        run([str(bin_dir / "alembic"), "upgrade", "head"], project, env)
        run([str(bin_dir / "python"), str(workdir / "seed.py"), str(SEEDED_ITEMS)], workdir, env)

        # stdout (the service's access log) goes to a file here.
        service_app = f"{package}.main:create_app"
        unlogged = env | {"LOG_LEVEL": "WARNING"}
        servers["service"] = Uvicorn(bin_dir, service_app, workdir, env, factory=True)
        servers["service_unlogged"] = Uvicorn(bin_dir, service_app, workdir, unlogged, True)
        servers["bare"] = Uvicorn(bin_dir, "bare_app:app", workdir, env, factory=False)
        servers["bare_logged"] = Uvicorn(
            bin_dir, "bare_app:app", workdir, env, factory=False, access_log=True
        )
        servers["raw_asyncpg"] = Uvicorn(bin_dir, "raw_asyncpg_app:app", workdir, env, False)
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
