"""The generated service itself, for each database choice: its lock, its own make targets on
SQLite and on a real PostgreSQL 15, the real server (item lifecycle, SIGTERM under load,
readiness while the database goes away and comes back), its Dockerfile and its compose file.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from harness import postgres, tls
from harness.combinations import (
    THREE_WISE,
    Combination,
    covering_sample,
    distinct_trees,
    required_outside_local,
    signable_uploads,
)
from harness.emulated_table import emulated_dynamodb, table_settings
from harness.project import (
    MISSING_TOOLCHAIN,
    TEMPLATE_BIN,
    UV,
    Server,
    dockerfile_command,
    item_lifecycle,
    project_environment,
    run,
    sync,
)
from harness.rendering import Render, copy_project, render
from hooks.post_gen_project import SQL_DATABASES

# What the service's own code and tests are made of: each distinct content of these runs once
# (aurora-postgresql and postgresql generate the same app).
APP_FILES = (
    "src",
    "tests",
    "pyproject.toml",
    "uv.lock",
    "alembic.ini",
    "migrations",
    ".env.example",
)
VARIANTS = distinct_trees(THREE_WISE, APP_FILES)
# What `uv lock --check` reads: each distinct dependency set (the database's, and moto's with
# the AWS calls of events or uploads).
LOCKS = distinct_trees(THREE_WISE, ("pyproject.toml", "uv.lock"))
# The variants on PostgreSQL (SQLite locally), and the one on DynamoDB.
WITH_SQL = [combination for combination in VARIANTS if combination.database in SQL_DATABASES]


def app_options(combination: Combination) -> tuple[str, str, str]:
    """What the app is made of: where it keeps its items (postgresql and aurora-postgresql
    generate the same code), whether it publishes events, whether it signs uploads."""
    store = "sql" if combination.database in SQL_DATABASES else combination.database
    return (store, combination.events, combination.object_storage)


# The running server's checks (the fuzzer, SIGTERM during a burst, the README's column example)
# run on every pair of those: two parts of the app meet in a request (a write that publishes,
# an upload ticket for a stored item). The project's own suite runs on every variant: its
# conftest joins all three.
APP_PAIRS = covering_sample(VARIANTS, 2, values=app_options)
SQL_PAIRS = [combination for combination in APP_PAIRS if combination.database in SQL_DATABASES]
# The project's own suite with no database server: every variant that has no SQL, and on
# SQLite (what SQL variants run locally) the SQL pairs; every SQL variant runs it on PostgreSQL.
NO_SERVER = [
    combination
    for combination in VARIANTS
    if combination.database not in SQL_DATABASES or combination in SQL_PAIRS
]
# What the checks of the connection to PostgreSQL (TLS, readiness, the outage reproducers, the
# rotated password) exercise: the connection code, the health routes and the migrations, which
# events and uploads leave as they are. A part missing would hash as empty and hide a variant.
DATABASE_CODE = ("src/orders_api/db", "src/orders_api/api/health.py", "migrations", "alembic.ini")
assert all((render(WITH_SQL[0].answers).project / part).exists() for part in DATABASE_CODE)
ON_DATABASE_CODE = distinct_trees(WITH_SQL, DATABASE_CODE)

needs_toolchain = pytest.mark.skipif(MISSING_TOOLCHAIN is not None, reason=str(MISSING_TOOLCHAIN))
needs_postgres = pytest.mark.skipif(not postgres.binaries_present(), reason=postgres.MISSING)


def ids(combinations: list[Combination]) -> list[str]:
    return [combination.id for combination in combinations]


def rendered(combination: Combination, **extra: str) -> Render:
    result = render({**combination.answers, **extra})
    assert result.returncode == 0, result.stderr
    return result


def package_name(project: Path) -> str:
    (package,) = (project / "src").iterdir()
    return package.name


@pytest.fixture
def dynamodb() -> Iterator[int]:
    """The port of an emulated DynamoDB on loopback."""
    with emulated_dynamodb() as port:
        yield port


def with_table(project: Path, port: int) -> dict[str, str]:
    """The settings of the emulated table on `port`, created by the project's own module."""
    settings = table_settings(f"http://127.0.0.1:{port}")
    module = f"{package_name(project)}.local_table"
    run([str(project / ".venv/bin/python"), "-m", module], project, project_environment(**settings))
    return settings


def data_settings(
    combination: Combination, project: Path, request: pytest.FixtureRequest
) -> tuple[str | None, dict[str, str]]:
    """Where the combination's service keeps its items here: a PostgreSQL URL, or the settings
    of an emulated table, or neither."""
    if combination.database in SQL_DATABASES:
        return request.getfixturevalue("database").url, {}
    if combination.database == "dynamodb":
        return None, with_table(project, request.getfixturevalue("dynamodb"))
    return None, {}


@pytest.fixture
def database() -> Iterator[postgres.PostgresServer]:
    server = postgres.PostgresServer()
    server.start()
    yield server
    server.close()


# --- the lock -------------------------------------------------------------------------------------


@needs_toolchain
@pytest.mark.parametrize("combination", LOCKS, ids=ids(LOCKS))
# uv sorts locked packages by name, the project's own among them: try names on either side.
@pytest.mark.parametrize("project_name", ["Orders API", "Aardvark", "Zeta Service"])
def test_lock_matches_pyproject(combination: Combination, project_name: str, tmp_path: Path):
    project = copy_project(rendered(combination, project_name=project_name), tmp_path)

    run([str(UV), "lock", "--check"], project, project_environment())


@needs_toolchain
@pytest.mark.parametrize("combination", LOCKS, ids=ids(LOCKS))
def test_no_database_packages_without_a_database(combination: Combination):
    lock = (rendered(combination).project / "uv.lock").read_text()
    locked = set(re.findall(r'^name = "([^"]+)"', lock, flags=re.MULTILINE))

    database_packages = {"sqlalchemy", "alembic", "asyncpg", "aiosqlite", "greenlet"}
    if combination.database in SQL_DATABASES:
        assert database_packages <= locked
    else:
        assert not locked & database_packages
    # DynamoDB's client, and its emulator for make run and the tests.
    assert {"botocore", "moto"} <= locked or combination.database != "dynamodb"


# --- the project's own checks ---------------------------------------------------------------------


@pytest.mark.slow
@needs_toolchain
@pytest.mark.parametrize("combination", NO_SERVER, ids=ids(NO_SERVER))
def test_make_lint_typecheck_test_with_no_database_server(combination: Combination, tmp_path: Path):
    """As a newcomer runs them: on SQLite, on the emulated DynamoDB the tests start, or with
    no database at all (lint and types run on PostgreSQL below, for the SQL variants, where
    the whole suite runs on every variant)."""
    project = copy_project(rendered(combination), tmp_path)
    sync(project)

    sql = combination.database in SQL_DATABASES
    targets = ["test"] if sql else ["lint", "typecheck", "test"]
    output = run(["make", *targets, "PYTEST_ARGS=-rs"], project, project_environment()).stdout

    if sql:
        assert "database: sqlite" in output
    else:
        assert "SKIPPED" not in output
    assert " passed" in output
    assert " failed" not in output


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", WITH_SQL, ids=ids(WITH_SQL))
def test_make_lint_typecheck_test_on_postgresql(
    combination: Combination, database: postgres.PostgresServer, tmp_path: Path
):
    project = copy_project(rendered(combination), tmp_path)
    sync(project)

    env = project_environment(DATABASE_URL=database.url)
    output = run(["make", "lint", "typecheck", "test", "PYTEST_ARGS=-rs"], project, env).stdout

    assert "database: postgresql" in output
    assert " passed" in output
    # The migration race test only runs on PostgreSQL: nothing may be skipped here.
    assert "SKIPPED" not in output
    assert " failed" not in output


# --- the running server ---------------------------------------------------------------------------


def start_server(
    project: Path, database_url: str | None, settings: dict[str, str] | None = None
) -> Server:
    env = project_environment(LOG_LEVEL="INFO", **(settings or {}))
    if database_url is not None:
        env["DATABASE_URL"] = database_url
        run([str(project / ".venv/bin/alembic"), "upgrade", "head"], project, env)
    return Server(project, env)


# Seconds before SIGTERM in which a request may still race the server's draining (see below).
SIGNAL_RACE = 0.2


async def sigterm_during_burst(server: Server, with_items: bool) -> tuple[list[int], list[str]]:
    """SIGTERM while requests are in flight; returns their statuses and the burst's failures.

    The in-flight requests (item creates whose body is still arriving when SIGTERM lands) must
    all complete. So must every request of the burst (16 clients in a loop) sent before the
    signal, except those sent within SIGNAL_RACE of it: uvicorn closes the keep-alive
    connections it sees idle when it starts draining, and a request still in the socket buffer
    then is reset, as are requests sent after the signal. On ECS the load balancer has stopped
    sending the task traffic by then.
    """
    in_flight: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, bytes]] = []
    if with_items:
        for number in range(32):
            body = json.dumps({"name": f"in-flight-{number}"}).encode()
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(
                b"POST /items HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[:-1]
            )
            await writer.drain()
            in_flight.append((reader, writer, body[-1:]))

    failures: list[str] = []
    sent_before_signal = 0
    sigterm_at = float("inf")
    stop = asyncio.Event()
    clients_answered: set[int] = set()

    async def client_loop(number: int) -> None:
        nonlocal sent_before_signal
        path = "/items?limit=10" if with_items else "/health"
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
            while not stop.is_set():
                sent_at = time.monotonic()
                try:
                    response = await client.get(path)
                except httpx.TransportError as error:
                    if sent_at < sigterm_at - SIGNAL_RACE:
                        failures.append(f"sent before SIGTERM: {error!r}")
                    return
                if sent_at < sigterm_at:
                    sent_before_signal += 1
                clients_answered.add(number)
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text}")

    clients = [asyncio.create_task(client_loop(number)) for number in range(16)]
    # The burst is on (every client has had an answer: on a loaded machine that takes a while),
    # and every held request has reached the app.
    started = time.monotonic()
    while len(clients_answered) < len(clients) or time.monotonic() - started < 0.5:
        waited = time.monotonic() - started
        assert waited < 30, f"after {waited:.0f}s only {len(clients_answered)} clients had answers"
        await asyncio.sleep(0.05)
    sigterm_at = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.3)  # shutdown has begun: the listener is closed
    if in_flight:
        assert server.process.poll() is None, "the server exited with requests in flight"

    in_flight_statuses = []
    for reader, writer, body_end in in_flight:
        writer.write(body_end)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=10)
        in_flight_statuses.append(int(status_line.split()[1]))
        writer.close()
    stop.set()
    await asyncio.gather(*clients)
    assert sent_before_signal > 0, "the burst sent no request"
    return in_flight_statuses, failures


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", APP_PAIRS, ids=ids(APP_PAIRS))
def test_server_serves_items_and_drains_on_sigterm(
    combination: Combination, tmp_path: Path, request: pytest.FixtureRequest
):
    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    with_items = combination.database != "none"
    server = start_server(project, *data_settings(combination, project, request))
    try:
        start_to_live = server.wait_until_live()
        assert start_to_live < 10, f"{start_to_live:.1f}s from start to the first 200"

        with httpx.Client(base_url=server.base_url) as client:
            health = client.get("/health", headers={"X-Request-ID": "probe-1"})
            assert health.json()["status"] == "ok"
            assert health.headers["x-request-id"] == "probe-1"
            assert client.get("/health/ready").status_code == 200
            assert client.get("/info").json()["name"] == project.name
        if with_items:
            item_lifecycle(server.base_url)

        in_flight, burst_failures = asyncio.run(sigterm_during_burst(server, with_items))
        exit_code = server.process.wait(timeout=30)
    finally:
        server.close()

    assert in_flight == [201] * len(in_flight)
    assert burst_failures == []
    # uvicorn re-raises the SIGTERM it handled once shut down (so a container exits 143).
    assert exit_code in (0, -15), server.log()
    entries = server.log_entries()
    messages = [entry["message"] for entry in entries]
    assert "Application shutdown complete." in messages
    access = [entry for entry in entries if entry.get("path") == "/health" and "status" in entry]
    assert any(entry.get("request_id") == "probe-1" for entry in access)
    fields = {"method", "status", "duration_ms", "request_id"}
    assert all(fields <= entry.keys() for entry in access)


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", ON_DATABASE_CODE, ids=ids(ON_DATABASE_CODE))
def test_readiness_follows_the_database(
    combination: Combination, database: postgres.PostgresServer, tmp_path: Path
):
    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    server = start_server(project, database.url)
    try:
        server.wait_until_live()
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            ready = client.get("/health/ready")
            assert ready.status_code == 200
            # The image's own command: uvicorn names itself nowhere.
            assert "server" not in ready.headers

            database.stop()
            not_ready = client.get("/health/ready")
            assert not_ready.status_code == 503
            # Why is in the log; the public answer names no exception.
            assert not_ready.json() == {"status": "unavailable", "reason": "database unavailable"}
            assert client.get("/health").status_code == 200
            items = client.get("/items")
            assert items.status_code == 503
            assert items.headers["retry-after"] == "5"
            assert items.json() == {"detail": "The database is unavailable: retry shortly"}

            database.start()
            deadline = time.monotonic() + 15
            while client.get("/health/ready").status_code != 200:
                assert time.monotonic() < deadline, "still not ready 15s after the database"
                time.sleep(0.2)
            assert client.get("/items").status_code == 200
    finally:
        server.close()


# The README's "Adding a column" steps: the code it shows, and the edits that put it in place.
README_PRICE_CODE = (
    "price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))",
    "Item.price",
    "Price = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]",
    "price: Price | None = None",
    "price: Decimal | None",
)
MODEL_LINE, COLUMN, PRICE, PRICE_IN, PRICE_OUT = README_PRICE_CODE
UPDATED_AT = "updated_at: Mapped[datetime] = mapped_column(Timestamp, server_default=func.now())"
# (file under src/<package>/, text, what goes right after it)
PRICE_EDITS = (
    ("db/models.py", "from datetime import UTC, datetime\n", "from decimal import Decimal\n"),
    ("db/models.py", " MetaData,", " Numeric,"),
    ("db/models.py", f"{UPDATED_AT}\n", f"    {MODEL_LINE}\n"),
    ("api/items/queries.py", "Item.updated_at", f", {COLUMN}"),
    ("api/items/schemas.py", "from datetime import datetime\n", "from decimal import Decimal\n"),
    ("api/items/schemas.py", "max_length=1000, pattern=NO_NUL), AfterValidator(storable_text)\n]\n",
     f"{PRICE}\n"),
    # ItemCreate's and ItemUpdate's last field.
    ("api/items/schemas.py", "description: ItemDescription | None = None\n", f"    {PRICE_IN}\n"),
    ("api/items/schemas.py", "    updated_at: datetime\n", f"    {PRICE_OUT}\n"),
)  # fmt: skip


def add_price(package: Path) -> None:
    for relative, text, added in PRICE_EDITS:
        path = package / relative
        source = path.read_text()
        assert text in source, f"{relative} no longer has {text!r}: update PRICE_EDITS"
        path.write_text(source.replace(text, text + added))


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", SQL_PAIRS, ids=ids(SQL_PAIRS))
def test_the_readme_s_column_example_works_end_to_end(
    combination: Combination, database: postgres.PostgresServer, tmp_path: Path
):
    """revision, migrate, and every route serving the new NUMERIC column on PostgreSQL, where
    db.reads must hand it to SQLAlchemy rather than fail."""
    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    readme = (project / "README.md").read_text()
    for code in README_PRICE_CODE:
        assert code in readme, f"the README's example no longer says {code!r}"
    package = project / "src" / package_name(project)
    add_price(package)
    env = project_environment(DATABASE_URL=database.url)
    run(["make", "migrate"], project, env)

    run(["make", "revision", "m=add price to items"], project, env)
    run(["make", "migrate", "lint", "typecheck"], project, env)

    (revision,) = (project / "migrations/versions").glob("*_add_price_to_items.py")
    assert re.fullmatch(r"\d{8}_[0-9a-f]{12}_add_price_to_items\.py", revision.name)
    assert "op.add_column" in revision.read_text()
    assert "sa.Numeric(precision=10, scale=2)" in revision.read_text()
    server = start_server(project, database.url)
    try:
        server.wait_until_live()
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            created = client.post("/items", json={"name": "widget", "price": "9.99"})
            assert created.status_code == 201, created.text
            location = created.headers["location"]
            assert client.get(location).json()["price"] == "9.99"
            assert client.get("/items").json()["items"][0]["price"] == "9.99"
            updated = client.patch(location, json={"price": "12.50"})
            assert updated.json()["price"] == "12.50"
            assert client.post("/items", json={"name": "x", "price": "-1"}).status_code == 422
    finally:
        server.close()


# Run in the generated project: connect as the service does and say whether TLS was used, or
# why the connection failed.
CONNECT_AND_REPORT_TLS = """
import asyncio
from sqlalchemy import text
from {package}.config import load_settings
from {package}.db.engine import create_engine

async def main():
    engine = create_engine(load_settings())
    try:
        async with engine.connect() as connection:
            query = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            print("tls:", (await connection.execute(text(query))).scalar_one())
    except Exception as error:
        print("refused:", type(error).__name__, error)
    finally:
        await engine.dispose()

asyncio.run(main())
"""


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", ON_DATABASE_CODE, ids=ids(ON_DATABASE_CODE))
def test_tls_to_the_database_verifies_its_certificate_and_host_name(
    combination: Combination, tmp_path: Path
):
    """verify-full with DB_SSL_ROOT_CERT, for the app and the migrations: the server's
    certificate must chain to the bundle and name the host connected to."""
    (tmp_path / "ca").mkdir()
    (tmp_path / "other-ca").mkdir()
    (tmp_path / "server").mkdir()
    authority = tls.certificate_authority(tmp_path / "ca")
    other_authority = tls.certificate_authority(tmp_path / "other-ca")
    database = postgres.PostgresServer()
    database.serve_tls(tls.server_certificate(authority, tmp_path / "server", "localhost"))
    database.start()
    try:
        project = copy_project(rendered(combination), tmp_path / "project")
        sync(project)
        script = CONNECT_AND_REPORT_TLS.format(package=package_name(project))

        def environment(host: str, bundle: Path) -> dict[str, str]:
            return project_environment(
                ENVIRONMENT="production", DB_HOST=host, DB_PORT=str(database.port),
                DB_NAME="postgres", DB_USER="postgres", DB_PASSWORD=postgres.SUPERUSER_PASSWORD,
                DB_SSL_ROOT_CERT=str(bundle), **required_outside_local(combination),
            )  # fmt: skip

        def connect(host: str, bundle: Path) -> str:
            python = str(project / ".venv/bin/python")
            return run([python, "-c", script], project, environment(host, bundle)).stdout

        assert "tls: True" in connect("localhost", authority.certificate)
        # The certificate names localhost, not the address: verify-full refuses it.
        wrong_host = connect("127.0.0.1", authority.certificate)
        assert "refused: SSLCertVerificationError" in wrong_host, wrong_host
        assert "IP address mismatch" in wrong_host
        unknown_authority = connect("localhost", other_authority.certificate)
        assert "refused: SSLCertVerificationError" in unknown_authority, unknown_authority

        alembic = [str(project / ".venv/bin/alembic"), "upgrade", "head"]
        run(alembic, project, environment("localhost", authority.certificate))
        refused = subprocess.run(
            alembic, cwd=project, env=environment("127.0.0.1", authority.certificate),
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert refused.returncode != 0
        assert "SSLCertVerificationError" in refused.stdout + refused.stderr
    finally:
        database.close()


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", APP_PAIRS, ids=ids(APP_PAIRS))
def test_a_fuzzer_finds_nothing_the_schema_does_not_allow(
    combination: Combination, tmp_path: Path, request: pytest.FixtureRequest
):
    """schemathesis with every check, as an independent tester runs it: each response is one
    the schema documents, valid input is accepted, invalid input refused, no 500, and the
    stateful links (create, then read, update, delete) hold. Bounded: 50 examples a route."""
    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    database_url, settings = data_settings(combination, project, request)
    server = start_server(project, database_url, {**settings, **signable_uploads(combination)})
    try:
        server.wait_until_live()
        result = subprocess.run(
            [str(TEMPLATE_BIN / "schemathesis"), "run", f"{server.base_url}/openapi.json",
             "--checks", "all", "--max-examples", "50", "--no-color"],
            # It keeps a cache of its findings in .schemathesis/ where it runs: not in the template.
            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    finally:
        server.close()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout, result.stdout[-3000:]


def outage_warnings(server: Server) -> list[dict[str, object]]:
    return [
        entry
        for entry in server.log_entries()
        if str(entry.get("message", "")).startswith("Database unavailable")
    ]


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", ON_DATABASE_CODE, ids=ids(ON_DATABASE_CODE))
def test_a_database_shutting_down_is_a_503_not_a_500(
    combination: Combination, database: postgres.PostgresServer, tmp_path: Path
):
    """The tester's reproducer: one other session keeps the server in a smart shutdown, which
    refuses new connections ("the database system is shutting down", SQLSTATE 57P03), while a
    freshly started service takes its first request."""
    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    server = start_server(project, database.url)
    session = subprocess.Popen(
        ["psql", database.url.replace("+asyncpg", ""), "--no-psqlrc", "--quiet"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        database.execute("SELECT 1")
        deadline = time.monotonic() + 10
        while "psql" not in database.execute("SELECT application_name FROM pg_stat_activity"):
            assert time.monotonic() < deadline, "the other session never connected"
            time.sleep(0.1)
        subprocess.run(
            postgres.as_server_user("pg_ctl", "--pgdata", str(database.data), "stop",
                                    "--mode=smart", "--no-wait"),
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        server.wait_until_live()
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            response = client.get("/items/1")
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "5"
        warnings = outage_warnings(server)
        assert any("SQLSTATE 57P03" in str(entry["message"]) for entry in warnings), server.log()
        assert all(
            entry["level"] == "WARNING" and "exception" not in entry for entry in warnings
        ), warnings
    finally:
        session.communicate(b"\\q\n", timeout=10)
        server.close()
        # The last session gone, the smart shutdown ends; the fixture then finds it stopped.
        deadline = time.monotonic() + 30
        while database.is_running() and time.monotonic() < deadline:
            time.sleep(0.1)


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", ON_DATABASE_CODE, ids=ids(ON_DATABASE_CODE))
def test_a_role_out_of_connections_is_a_503_not_a_500(
    combination: Combination, database: postgres.PostgresServer, tmp_path: Path
):
    """The tester's second reproducer: the service's role may open 5 connections, its pool
    wants more under 32 concurrent requests; "too many connections" (53300) is an outage."""
    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    run([str(project / ".venv/bin/alembic"), "upgrade", "head"], project,
        project_environment(DATABASE_URL=database.url))  # fmt: skip
    database.execute("CREATE ROLE limited LOGIN PASSWORD 'limited' CONNECTION LIMIT 5")
    database.execute(
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO limited"
    )
    limited_url = database.url.replace(
        f"postgres:{postgres.SUPERUSER_PASSWORD}@", "limited:limited@"
    )
    server = Server(project, project_environment(LOG_LEVEL="INFO", DATABASE_URL=limited_url))

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as client:
            responses: list[httpx.Response] = []
            for _ in range(8):  # bounded: 8 rounds of 32 at once
                responses += await asyncio.gather(*(client.get("/items/1") for _ in range(32)))
            return responses

    try:
        server.wait_until_live()
        responses = asyncio.run(burst())
    finally:
        server.close()
    statuses = {response.status_code for response in responses}
    assert statuses <= {404, 503}, sorted(statuses)
    assert 404 in statuses, "no request reached the database"
    assert 503 in statuses, "the pool never needed a sixth connection: the check proved nothing"
    assert all(r.headers["retry-after"] == "5" for r in responses if r.status_code == 503)
    warnings = outage_warnings(server)
    assert any("SQLSTATE 53300" in str(entry["message"]) for entry in warnings), warnings
    assert all("exception" not in entry for entry in warnings), warnings


@pytest.mark.slow
@needs_toolchain
@needs_postgres
@pytest.mark.parametrize("combination", ON_DATABASE_CODE, ids=ids(ON_DATABASE_CODE))
def test_a_rotated_database_password_is_read_from_secrets_manager(
    combination: Combination, database: postgres.PostgresServer, tmp_path: Path
):
    """As on ECS: DB_* parts injected at start, then RDS rotates the secret under the service.

    The SQL variants share the connection code: it runs once per distinct content of it.
    """
    from harness.moto_server import MotoServer

    project = copy_project(rendered(combination), tmp_path)
    sync(project)
    run([str(project / ".venv/bin/alembic"), "upgrade", "head"], project,
        project_environment(DATABASE_URL=database.url))  # fmt: skip
    database.execute("CREATE ROLE app LOGIN SUPERUSER PASSWORD 'first'")
    with MotoServer(tmp_path) as aws:
        secrets = aws.client("secretsmanager")
        secret_arn = secrets.create_secret(
            Name="rds!db-0a1b2c3d",
            SecretString=json.dumps({"username": "app", "password": "first"}),
        )["ARN"]
        env = aws.client_env(project_environment(
            ENVIRONMENT="production", LOG_LEVEL="INFO", DB_HOST="127.0.0.1",
            DB_PORT=str(database.port), DB_NAME="postgres", DB_USER="app", DB_PASSWORD="first",
            DB_SECRET_ARN=secret_arn,
        ))  # fmt: skip
        server = Server(project, env)
        try:
            server.wait_until_live()
            with httpx.Client(base_url=server.base_url, timeout=10) as client:
                location = client.post("/items", json={"name": "before"}).headers["location"]

                # RDS's rotation: a new password in the database and in the secret; the
                # connections the pool holds end as a failover or restart would end them.
                database.execute("ALTER ROLE app PASSWORD 'second'")
                secrets.put_secret_value(
                    SecretId=secret_arn,
                    SecretString=json.dumps({"username": "app", "password": "second"}),
                )
                database.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE usename = 'app' AND application_name = '{project.name}'"
                )

                statuses = [client.get(location).status_code for _ in range(3)]
                created = client.post("/items", json={"name": "after"})
        finally:
            server.close()

    # At most the first request finds its connection gone; new connections use the new password.
    assert statuses[1:] == [200, 200], statuses
    assert statuses[0] in (200, 503), statuses
    assert created.status_code == 201, created.text
    messages = [entry["message"] for entry in server.log_entries()]
    assert "The database secret was rotated: connecting with its new password" in messages


# --- the container --------------------------------------------------------------------------------


def dockerfile_stages(project: Path) -> list[list[dict]]:
    from dockerfile_parse import DockerfileParser

    stages: list[list[dict]] = []
    for instruction in DockerfileParser(path=str(project / "Dockerfile")).structure:
        if instruction["instruction"] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def dockerignore_allows(project: Path, source: str) -> bool:
    """Whether .dockerignore (the '*' then '!path' style this template uses) keeps `source`."""
    rules = [
        line.strip()
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    kept = True
    for rule in rules:
        negated = rule.startswith("!")
        pattern = rule.removeprefix("!").rstrip("/")
        if pattern == "*" or Path(source.rstrip("/")).match(pattern):
            kept = negated
    return kept


@pytest.mark.parametrize("combination", VARIANTS, ids=ids(VARIANTS))
def test_dockerfile_is_hadolint_clean(combination: Combination):
    project = rendered(combination).project
    hadolint = Path(UV or "").parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--failure-threshold", "style", str(project / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("combination", VARIANTS, ids=ids(VARIANTS))
def test_dockerfile_copies_only_what_exists_and_is_sent(combination: Combination):
    project = rendered(combination).project
    for stage in dockerfile_stages(project):
        for instruction in stage:
            if instruction["instruction"] != "COPY" or "--from=" in instruction["value"]:
                continue
            *sources, _destination = instruction["value"].split()
            for source in sources:
                assert (project / source).exists(), f"COPY {source}: not in the project"
                assert dockerignore_allows(project, source), f"COPY {source}: .dockerignored"


@pytest.mark.parametrize("combination", VARIANTS, ids=ids(VARIANTS))
def test_dockerfile_runtime_stage_is_lean_pinned_and_unprivileged(combination: Combination):
    project = rendered(combination).project
    stages = dockerfile_stages(project)
    assert len(stages) >= 2, "expected a builder and a runtime stage"
    for stage in stages:
        base = stage[0]["value"].split()[0]
        assert re.fullmatch(r"python:3\.12\.\d+-slim-\w+", base), f"unpinned base image {base}"
    runtime = stages[-1]
    text = "\n".join(f"{item['instruction']} {item['value']}" for item in runtime)

    users = [item["value"] for item in runtime if item["instruction"] == "USER"]
    assert users, "the runtime stage runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    for tool in ("gcc", "build-essential", "apt-get install", "pip install", "uv "):
        assert tool not in text, f"the runtime stage installs or uses {tool!r}"
    assert "PYTHONDONTWRITEBYTECODE=1" in text
    healthcheck = next(item["value"] for item in runtime if item["instruction"] == "HEALTHCHECK")
    assert '["python"' in healthcheck
    assert "curl" not in healthcheck
    assert dockerfile_command(project)[0] == "uvicorn"  # exec form, JSON array
    assert '"--timeout-graceful-shutdown"' in text


@pytest.mark.slow
@needs_toolchain
@pytest.mark.parametrize("combination", VARIANTS, ids=ids(VARIANTS))
def test_dockerfile_command_imports_in_the_runtime_environment(
    combination: Combination, tmp_path: Path
):
    """What the builder stage installs (no dev dependencies, project not editable) serves CMD."""
    project = copy_project(rendered(combination), tmp_path)
    bin_dir = sync(project, "--no-dev", "--no-editable")
    command = dockerfile_command(project)
    module, factory = command[command.index("--factory") + 1].split(":")

    outside = tmp_path / "elsewhere"  # not the project folder: nothing importable by accident
    outside.mkdir()
    script = f"import {module}; {module}.{factory}"
    run([str(bin_dir / "python"), "-c", script], outside, project_environment())
    assert (bin_dir / command[0]).exists()
    if combination.database in SQL_DATABASES:
        assert (bin_dir / "alembic").exists()
        locked = (project / "uv.lock").read_text()
        assert 'name = "aiosqlite"' in locked
        site_packages = next((project / ".venv/lib").glob("python3.12/site-packages"))
        assert not (site_packages / "aiosqlite").exists(), "SQLite driver in the image"


@pytest.mark.parametrize("combination", VARIANTS, ids=ids(VARIANTS))
def test_compose_file_is_valid_and_prod_profile_is_locked_down(combination: Combination):
    project = rendered(combination).project
    check = Path(UV or "").parent / "check-jsonschema"
    result = subprocess.run(
        [
            str(check),
            "--builtin-schema",
            "vendor.compose-spec",
            str(project / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

    import yaml

    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    services = compose["services"]
    prod = services["api-prod"]
    # As Fargate runs it: read-only root, /tmp the one writable path, non-root, no capabilities.
    assert prod["read_only"] is True
    assert prod["tmpfs"] == ["/tmp"]
    assert prod["user"].split(":")[0] not in {"root", "0"}
    assert prod["cap_drop"] == ["ALL"]
    assert prod["profiles"] == ["prod"]
    assert prod["environment"]["ENVIRONMENT"] == "production"
    if combination.database == "none":
        assert set(services) == {"api", "api-prod"}
        assert "volumes" not in compose
    if combination.database == "dynamodb":
        # The emulator, the table made in it by the image's own module, then the api.
        assert set(services) == {"aws", "table", "api", "api-prod"}
        assert re.fullmatch(r"motoserver/moto:\d+\.\d+\.\d+", services["aws"]["image"])
        assert services["aws"]["ports"] == ["127.0.0.1:5000:5000"]
        package = package_name(project)
        assert services["table"]["command"] == ["python", "-m", f"{package}.local_table"]
        assert services["table"]["depends_on"] == {"aws": {"condition": "service_healthy"}}
        for api in ("api", "api-prod"):
            assert services[api]["depends_on"] == {
                "table": {"condition": "service_completed_successfully"}
            }
            assert services[api]["environment"]["AWS_ENDPOINT_URL"] == "http://aws:5000"
        assert "volumes" not in compose
    if combination.database in SQL_DATABASES:
        assert re.fullmatch(r"postgres:\d+(-alpine)?", services["db"]["image"])
        assert "healthcheck" in services["db"]
        assert services["db"]["volumes"] == ["db-data:/var/lib/postgresql/data"]
        assert set(compose["volumes"]) == {"db-data"}
        assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
        for api in ("api", "api-prod"):
            assert services[api]["depends_on"] == {
                "db": {"condition": "service_healthy"},
                "migrate": {"condition": "service_completed_successfully"},
            }
        # Production settings come in parts, as ECS injects them.
        assert {"DB_HOST", "DB_USER", "DB_PASSWORD"} <= prod["environment"].keys()
