"""The generated image, built with podman from the generated Dockerfile unmodified and run the way
the task definition runs it, for each database choice (linux/amd64; arm64 is CI's build).

postgresql and aurora-postgresql send the same build context, so they share one image: each
image is built once per test run (see `image`), cold, then again after a code edit.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import httpx
import pytest

from harness import containers, postgres, tls
from harness.cache import cached_json, exclusive
from harness.combinations import (
    THREE_WISE,
    Combination,
    distinct_trees,
    required_outside_local,
)
from harness.emulated_table import emulated_dynamodb, table_settings
from harness.project import item_lifecycle
from harness.rendering import Render, copy_project, render
from hooks.post_gen_project import SQL_DATABASES

# What the Dockerfile copies: .dockerignore admits these and nothing else.
CONTEXT = (
    "Dockerfile",
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "src",
    "alembic.ini",
    "migrations",
)
# What shapes the image and the environment it runs the app in: the build steps, the
# dependencies and the migrations. The code it copies is the app tests' concern (tests/app runs
# each app variant, and imports each in the runtime environment this Dockerfile makes).
BUILD_SHAPE = (
    "Dockerfile",
    ".dockerignore",
    "pyproject.toml",
    "uv.lock",
    "alembic.ini",
    "migrations",
)
# The image is built for this machine's architecture, once per distinct build shape: each shape
# of the three-wise sample, built for this machine (the Dockerfile names the architecture it is
# built for), compared again.
HOST_ARCHITECTURE = {"aarch64": "arm64", "arm64": "arm64"}.get(platform.machine(), "x86_64")
VARIANTS = distinct_trees(
    dict.fromkeys(
        replace(combination, cpu_architecture=HOST_ARCHITECTURE)
        for combination in distinct_trees(THREE_WISE, BUILD_SHAPE)
    ),
    BUILD_SHAPE,
)
WITH_SQL = [combination for combination in VARIANTS if combination.database in SQL_DATABASES]
ON_DYNAMODB = [combination for combination in VARIANTS if combination.database == "dynamodb"]
# ECS's default stopTimeout: SIGKILL follows SIGTERM after this many seconds.
STOP_TIMEOUT = 30
# The app's own layers (the virtualenv and the code), on top of the base image.
APP_LAYERS_BUDGET = 120 * 1024 * 1024
TASK_REGION = "us-east-1"
APP_ROLE = "orders_api_test"
APP_ROLE_PASSWORD = "stands-in-for-iam-tokens"


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        containers.missing_podman() is not None,
        reason=f"no image tests: {containers.missing_podman()}",
    ),
]


@dataclass
class Image:
    tag: str
    size: int
    base_size: int
    base_seconds: float
    cold_seconds: float
    edited_seconds: float
    edit_reused_dependencies: bool


def rendered(combination: Combination) -> Render:
    result = render(combination.answers)
    assert result.returncode == 0, result.stderr
    return result


def context_hash(project: Path) -> str:
    digest = hashlib.sha256()
    for name in CONTEXT:
        path = project / name
        for file in sorted([path] if path.is_file() else path.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(f"{file.relative_to(project)}\0".encode() + file.read_bytes())
    return digest.hexdigest()[:16]


def build_once(rendered_project: Render, scratch: Path) -> Image:
    """Build the project's image cold, then after a code edit; the figures of both."""
    project = rendered_project.project
    dockerfile = project / "Dockerfile"
    base_seconds = containers.ensure_base_image(containers.base_image_name(dockerfile))
    tag = f"localhost/{project.name}:{context_hash(project)}"
    cold_seconds, _ = containers.build(project, tag, no_cache=True)

    # A code edit rebuilds the code layers only: the dependency layer comes from the cache.
    edited = copy_project(rendered_project, scratch)
    main = next((edited / "src").glob("*/main.py"))
    main.write_text(main.read_text() + "\n# edited\n")
    edited_seconds, output = containers.build(edited, f"{tag}-edited")
    dependency_step = next(line for line in output.splitlines() if "--no-install-project" in line)
    following = output.splitlines()[output.splitlines().index(dependency_step) + 1]
    containers.podman("rmi", f"{tag}-edited", check=False)
    base = containers.image_size(containers.base_image_name(dockerfile))
    return Image(
        tag=tag,
        size=containers.image_size(tag),
        base_size=base,
        base_seconds=base_seconds,
        cold_seconds=cold_seconds,
        edited_seconds=edited_seconds,
        edit_reused_dependencies=following.startswith("--> Using cache"),
    )


@pytest.fixture
def image(combination: Combination, tmp_path: Path) -> Image:
    """The combination's image, built once per test run and context, whichever worker asks first."""
    rendered_project = rendered(combination)
    project = rendered_project.project
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))

    def build() -> dict[str, object]:
        # One build at a time: they share two cores, and each starts by pruning what the last
        # left.
        with exclusive("image-build"):
            containers.podman("image", "prune", "--force")
            return asdict(build_once(rendered_project, tmp_path))

    return Image(**cached_json("images", f"{run_id}-{context_hash(project)}", build))


def image_ca_bundle(combination: Combination) -> str:
    """Where the task definition says the image holds RDS's CA bundle."""
    containers_tf = rendered(combination).project / "terraform/modules/service/containers.tf"
    match = re.search(r'database_ca_bundle = "([^"]+)"', containers_tf.read_text())
    assert match, "containers.tf names no database_ca_bundle"
    return match[1]


def task_environment(
    combination: Combination, database: postgres.PostgresServer | None, container: str = "app"
) -> dict[str, str]:
    """What the task definition sets for the container, with the database on the harness's
    server, which serves TLS with a certificate the image's (stand-in) RDS CA bundle signed."""
    environment = {
        "ENVIRONMENT": "production",
        "AWS_REGION": TASK_REGION,
        "AWS_DEFAULT_REGION": TASK_REGION,
    }
    if database is None:
        return environment | required_outside_local(combination)
    environment |= {
        "DB_HOST": containers.HOST_ADDRESS,
        "DB_PORT": str(database.port),
        "DB_NAME": "postgres",
        "DB_SSL_ROOT_CERT": image_ca_bundle(combination),
    }
    if container == "migrate":
        # The master user, from the RDS-managed secret, as the ECS agent injects it.
        return environment | {
            "DB_USER": "postgres",
            "DB_PASSWORD": postgres.SUPERUSER_PASSWORD,
            "DB_APP_USER": APP_ROLE,
        }
    # The service's own role. On ECS it logs in with IAM tokens, which the harness's server
    # cannot check: a password the test gives the role stands in for them.
    return environment | {
        "DB_USER": APP_ROLE,
        "DB_PASSWORD": APP_ROLE_PASSWORD,
        **required_outside_local(combination),
    }


@pytest.fixture
def harness_table(combination: Combination) -> Iterator[dict[str, str]]:
    """With DynamoDB, the settings of an emulated table on the host's loopback, as the
    container reaches it; nothing otherwise."""
    if combination.database != "dynamodb":
        yield {}
        return
    with emulated_dynamodb() as port:
        yield table_settings(f"http://{containers.HOST_ADDRESS}:{port}")


@pytest.fixture
def harness_database(combination: Combination) -> Iterator[postgres.PostgresServer | None]:
    if combination.database not in SQL_DATABASES:
        yield None
        return
    if not postgres.binaries_present():
        pytest.skip(postgres.MISSING)
    server = postgres.PostgresServer()
    authority = containers.stand_in_rds_ca()
    folder = server.root / "tls"
    folder.mkdir()
    server.serve_tls(tls.server_certificate(authority, folder, containers.HOST_ADDRESS))
    server.start()
    yield server
    server.close()


@contextlib.contextmanager
def running(tag: str, environment: dict[str, str]) -> Iterator[tuple[str, str, float]]:
    """The app container, detached: its name, its base URL and the seconds to its first 200."""
    name, port = containers.started_container(tag, environment)
    started = time.monotonic()
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = started + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                    break
            state = containers.podman(
                "inspect", "--format", "{{.State.Status}}", name
            ).stdout.strip()
            assert state == "running", f"the container is {state}:\n{containers.logs(name)}"
            assert time.monotonic() < deadline, (
                f"no 200 on /health in 60 s:\n{containers.logs(name)}"
            )
            time.sleep(0.1)
        yield name, base_url, time.monotonic() - started
    finally:
        containers.remove(name)


@pytest.mark.parametrize("combination", VARIANTS, ids=lambda c: c.id)
def test_image_builds_small_and_a_code_edit_reuses_the_dependency_layer(
    combination: Combination, image: Image, record_property: pytest.RecordProperty
) -> None:
    megabytes = image.size / 2**20
    over_base = (image.size - image.base_size) / 2**20
    record_property(
        "timing",
        f"image {megabytes:.0f} MB ({over_base:.0f} MB over the base), cold build "
        f"{image.cold_seconds:.0f} s, after a code edit {image.edited_seconds:.0f} s, "
        f"stand-in base {image.base_seconds:.0f} s",
    )
    assert image.edit_reused_dependencies, "a code edit reinstalled the dependencies"
    assert image.size - image.base_size < APP_LAYERS_BUDGET


@pytest.mark.parametrize("combination", VARIANTS, ids=lambda c: c.id)
def test_image_runs_as_the_task_does_and_stops_cleanly_on_sigterm(
    combination: Combination,
    image: Image,
    harness_database: postgres.PostgresServer | None,
    harness_table: dict[str, str],
    record_property: pytest.RecordProperty,
) -> None:
    environment = task_environment(combination, harness_database) | harness_table
    no_uv = containers.fargate_run(
        image.tag,
        "python",
        "-c",
        "import shutil; print(shutil.which('uv'))",
        environment=environment,
    )
    assert no_uv.stdout.strip() == "None", "uv belongs to the builder stage only"

    if harness_database is not None:
        migrate = containers.fargate_run(
            image.tag,
            "alembic",
            "upgrade",
            "head",
            environment=task_environment(combination, harness_database, "migrate"),
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        assert "items" in harness_database.execute("SELECT tablename FROM pg_tables")
        harness_database.execute(f"ALTER ROLE {APP_ROLE} PASSWORD '{APP_ROLE_PASSWORD}'")
    if harness_table:
        # As compose's one-shot table service does: the image's own module makes the table.
        (package,) = (rendered(combination).project / "src").iterdir()
        table = containers.fargate_run(
            image.tag, "python", "-m", f"{package.name}.local_table", environment=environment
        )
        assert table.returncode == 0, table.stdout + table.stderr

    with running(image.tag, environment) as (name, base_url, start_seconds):
        assert httpx.get(f"{base_url}/health/ready", timeout=5).status_code == 200
        if combination.database != "none":
            item_lifecycle(base_url)
        if harness_database is not None:
            # Over TLS, verified against the image's bundle, as the service's own role.
            sessions = harness_database.execute(
                "SELECT DISTINCT usename, ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid)"
                " WHERE application_name <> 'psql'"
            )
            assert f"{APP_ROLE} | t" in sessions, sessions
        health_check = containers.podman("healthcheck", "run", name, check=False)
        assert health_check.returncode == 0, health_check.stdout + health_check.stderr

        exit_code, stop_seconds = containers.stop(name, timeout=STOP_TIMEOUT)
        log = containers.logs(name)
    record_property(
        "timing", f"first 200 after {start_seconds:.1f} s, stopped in {stop_seconds:.1f} s"
    )
    # uvicorn re-raises the SIGTERM once it has shut down; under the init process the task
    # definition enables, the container then exits 143 (128 + SIGTERM). 137 would be SIGKILL.
    assert exit_code == 143, log
    assert stop_seconds < STOP_TIMEOUT, log
    assert "Application shutdown complete." in log
    assert "Finished server process" in log


# What each database's settings check says when the task gives it none.
MISSING_DATABASE_SETTINGS = {
    "sql": "Invalid configuration:\n  set DATABASE_URL, or DB_HOST, DB_NAME, DB_USER, DB_PASSWORD",
    "dynamodb": "Invalid configuration:\n  set ITEMS_TABLE: the items are stored there",
}


@pytest.mark.parametrize("combination", WITH_SQL[:1] + ON_DYNAMODB[:1], ids=lambda c: c.database)
def test_image_refuses_to_start_without_its_database_settings_and_names_them(
    combination: Combination, image: Image
) -> None:
    result = containers.fargate_run(image.tag, environment={"ENVIRONMENT": "production"})
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    kind = "sql" if combination.database in SQL_DATABASES else combination.database
    assert MISSING_DATABASE_SETTINGS[kind] in result.stderr
