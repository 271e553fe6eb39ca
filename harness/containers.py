"""Build and run the generated image with podman, offline, as Fargate would run it.

No Docker engine runs here and no image registry is reachable, so:
- podman runs the containers, with runc (crun fails on this kind of machine: cgroups in hybrid
  mode) and lower default ulimits than podman's, in a containers.conf of our own;
- the base image the Dockerfile names is a stand-in built here: Debian bookworm's minbase from
  the Debian mirror (debootstrap), this machine's CPython 3.12 in /usr/local as the official
  image has it, and this machine's CA bundle (its connections to PyPI go through a
  TLS-terminating proxy), tagged with the exact name the Dockerfile uses, so that the generated
  Dockerfile builds unmodified;
- containers reach the harness's PostgreSQL, which listens on the host's loopback, through
  slirp4netns at 10.0.2.2, and are reached through a port published on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from functools import cache
from pathlib import Path

from harness import tls
from harness.cache import CACHE_ROOT, cached_folder, exclusive
from harness.project import free_port, python312

CONTAINERS_CONF = """\
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
"""
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
# What the official python:3.12-slim image has beside Debian's minbase, for CPython's modules.
BASE_PACKAGES = (
    "ca-certificates", "libbz2-1.0", "libexpat1", "libffi8", "libgdbm6", "liblzma5",
    "libncursesw6", "libreadline8", "libsqlite3-0", "libssl3", "libuuid1", "zlib1g",
)  # fmt: skip
# Parts of CPython no service needs: the test suite, the GUI, the static library.
PYTHON_LEFT_OUT = {"test", "tests", "idlelib", "tkinter", "turtledemo", "__pycache__", "lib2to3"}
HOST_ADDRESS = "10.0.2.2"  # the host's loopback, as slirp4netns shows it to the container
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
STAND_IN_LABEL = "fargate-service.stand-in"


class PodmanMissing(Exception):
    """What this machine lacks to build and run images; the message says it."""


@cache
def containers_conf() -> Path:
    path = CACHE_ROOT / "containers.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != CONTAINERS_CONF:
        path.write_text(CONTAINERS_CONF)
    return path


def podman_env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(containers_conf())}


def podman(
    *args: str, timeout: float = 900, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], env=podman_env(), capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, f"podman {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


@cache
def check_podman() -> None:
    """Raise PodmanMissing unless podman can run a container here."""
    for tool in ("podman", "runc", "catatonit", "slirp4netns", "debootstrap"):
        if shutil.which(tool) is None:
            raise PodmanMissing(
                f"{tool} is not installed (Debian package {tool}; .ci/run installs it)"
            )
    if os.geteuid() != 0:
        raise PodmanMissing("debootstrap and the stand-in base image need root")
    if python312() is None:
        raise PodmanMissing("no CPython 3.12 to put in the stand-in base image")
    if platform.machine() != "x86_64":
        raise PodmanMissing(
            f"the image tests build linux/amd64, and this machine is {platform.machine()}"
        )
    info = podman("info", "--format", "{{.Host.OCIRuntime.Name}}", check=False)
    if info.returncode != 0:
        raise PodmanMissing(f"podman does not work here: {info.stderr.strip()}")


def missing_podman() -> str | None:
    """What keeps podman from building and running images here, or None."""
    try:
        check_podman()
    except PodmanMissing as missing:
        return str(missing)
    return None


def base_image_name(dockerfile: Path) -> str:
    """The one base image the Dockerfile's stages start from, fully qualified as podman does."""
    (name,) = set(re.findall(r"^FROM\s+(\S+)", dockerfile.read_text(), flags=re.MULTILINE))
    return name if "/" in name else f"docker.io/library/{name}"


@cache
def python_prefix() -> Path:
    """Where the CPython 3.12 lives (python312() may be a pyenv shim)."""
    found = subprocess.run(
        [python312(), "-c", "import sys; print(sys.base_prefix)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return Path(found.stdout.strip()).resolve()


def stand_in_recipe() -> str:
    """What the stand-in is made of: a change to any of it builds it again."""
    python = python_prefix() / "bin" / "python3.12"
    parts = [
        DEBIAN_MIRROR,
        *BASE_PACKAGES,
        str(python),
        str(python.stat().st_mtime),
        hashlib.sha256(CA_BUNDLE.read_bytes()).hexdigest(),
        Path(__file__).read_text(),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def ensure_base_image(name: str) -> float:
    """Build the stand-in base image under `name` unless it is there; the seconds it took."""
    check_podman()
    recipe = stand_in_recipe()
    with exclusive("stand-in-base"):
        found = podman(
            "image",
            "inspect",
            "--format",
            f'{{{{index .Labels "{STAND_IN_LABEL}"}}}}',
            name,
            check=False,
        )
        if found.returncode == 0 and found.stdout.strip() == recipe:
            return 0.0
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="stand-in-", dir=CACHE_ROOT) as scratch:
            rootfs = Path(scratch) / "rootfs"
            debootstrap = subprocess.run(
                ["debootstrap", "--variant=minbase", f"--include={','.join(BASE_PACKAGES)}",
                 "bookworm", str(rootfs), DEBIAN_MIRROR],
                capture_output=True, text=True, timeout=900, check=False,
            )  # fmt: skip
            if debootstrap.returncode != 0:
                raise PodmanMissing(
                    f"debootstrap of bookworm failed:\n{debootstrap.stdout[-2000:]}"
                )
            for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
                for path in (rootfs / leftover).glob("*"):
                    if path.is_file():
                        path.unlink()
            install_python(rootfs)
            shutil.copy(CA_BUNDLE, rootfs / CA_BUNDLE.relative_to("/"))
            subprocess.run(["chroot", str(rootfs), "ldconfig"], check=True)
            archive = Path(scratch) / "rootfs.tar"
            with tarfile.open(archive, "w") as tar:
                tar.add(rootfs, arcname=".")
            podman(
                "import",
                "--change", "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
                "--change", "ENV LANG=C.UTF-8",
                # pip and uv trust the machine's bundle (and so its proxy), not their own.
                "--change", f"ENV SSL_CERT_FILE={CA_BUNDLE}",
                "--change", f"ENV PIP_CERT={CA_BUNDLE}",
                "--change", f"LABEL {STAND_IN_LABEL}={recipe}",
                "--change", 'CMD ["python3"]',
                str(archive), name,
            )  # fmt: skip
        return time.monotonic() - started


def install_python(rootfs: Path) -> None:
    """This machine's CPython 3.12 in /usr/local, with its scripts pointing there."""
    prefix = python_prefix()
    target = rootfs / "usr" / "local"

    def left_out(folder: str, names: list[str]) -> list[str]:
        return [
            name
            for name in names
            if name in PYTHON_LEFT_OUT or name.endswith(".a") or name.endswith(".pth")
        ]

    for part in ("bin", "lib", "include"):
        shutil.copytree(
            prefix / part, target / part, symlinks=True, ignore=left_out, dirs_exist_ok=True
        )
    for script in (target / "bin").iterdir():
        if script.is_file() and not script.is_symlink() and script.read_bytes()[:2] == b"#!":
            lines = script.read_text(errors="surrogateescape").split("\n", 1)
            lines[0] = lines[0].replace(str(prefix / "bin"), "/usr/local/bin")
            script.write_text("\n".join(lines), errors="surrogateescape")


# The Dockerfile's build argument for where RDS's CA bundle is fetched from. AWS's trust store
# is not reachable here: the harness's own CA stands in, served on loopback.
RDS_CA_BUNDLE_ARG = "RDS_CA_BUNDLE_URL"


def stand_in_rds_ca() -> tls.Certificate:
    """The CA whose certificate is the bundle images get here: one for every build."""
    folder = cached_folder("tls", "rds-ca-bundle", tls.certificate_authority)
    return tls.authority_in(folder)


# Servers that live as long as this process.
_PROCESS_SERVERS = contextlib.ExitStack()


@cache
def stand_in_rds_ca_bundle_url() -> str:
    """Where this process serves that bundle: one URL for all its builds, so that the layer
    fetching it (and every layer after) is cached from one build to the next."""
    return _PROCESS_SERVERS.enter_context(tls.served(stand_in_rds_ca().certificate))


def build(context: Path, tag: str, *, no_cache: bool = False) -> tuple[float, str]:
    """`podman build` of the project as `make build` builds it, for linux/amd64: seconds taken,
    and what it printed."""
    started = time.monotonic()
    build_args: list[str] = []
    if f"ARG {RDS_CA_BUNDLE_ARG}=" in (context / "Dockerfile").read_text():
        build_args = ["--build-arg", f"{RDS_CA_BUNDLE_ARG}={stand_in_rds_ca_bundle_url()}"]
    output = podman(
        "build", "--network", "host", "--platform", "linux/amd64", "--format", "docker",
        *(["--no-cache"] if no_cache else []), *build_args, "--tag", tag, str(context),
    ).stdout  # fmt: skip
    return time.monotonic() - started, output


def image_size(tag: str) -> int:
    return int(podman("image", "inspect", "--format", "{{.Size}}", tag).stdout)


def fargate_run(
    tag: str,
    *command: str,
    environment: dict[str, str],
    name: str | None = None,
    publish: int | None = None,
    detach: bool = False,
) -> subprocess.CompletedProcess[str]:
    """The container as the task definition runs it: read-only root, a writable /tmp, the
    image's non-root user, no capabilities, an init process, the task's environment."""
    return podman(
        "run", *(["--detach"] if detach else ["--rm"]), *(["--name", name] if name else []),
        "--read-only", "--tmpfs", "/tmp", "--user", "10001:10001", "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges", "--init",
        "--network", "slirp4netns:allow_host_loopback=true",
        *(["--publish", f"127.0.0.1:{publish}:8000"] if publish else []),
        # The image's health check runs when asked (podman healthcheck run), not on a timer.
        "--health-interval", "disable",
        *(arg for key, value in environment.items() for arg in ("--env", f"{key}={value}")),
        tag, *command,
        timeout=300, check=False,
    )  # fmt: skip


def started_container(tag: str, environment: dict[str, str]) -> tuple[str, int]:
    name = f"app-{os.getpid()}-{free_port()}"
    port = free_port()
    result = fargate_run(tag, environment=environment, name=name, publish=port, detach=True)
    assert result.returncode == 0, result.stderr
    return name, port


def stop(name: str, timeout: int = 30) -> tuple[int, float]:
    """SIGTERM, then SIGKILL after `timeout` seconds, as ECS stops a task: exit code, seconds."""
    started = time.monotonic()
    podman("stop", "--time", str(timeout), name, timeout=timeout + 30)
    seconds = time.monotonic() - started
    state = json.loads(podman("inspect", "--format", "{{json .State}}", name).stdout)
    return state["ExitCode"], seconds


def logs(name: str) -> str:
    result = podman("logs", name, check=False)
    return result.stdout + result.stderr


def remove(name: str) -> None:
    podman("rm", "--force", name, check=False)


def remove_images(repository: str) -> None:
    """Every image tagged in `repository`, and the layers only they used."""
    listed = podman("images", "--format", "{{.Repository}}:{{.Tag}}", check=False).stdout.split()
    tagged = [name for name in listed if name.startswith(f"{repository}:")]
    if tagged:
        podman("rmi", "--force", *tagged, check=False)
    podman("image", "prune", "--force", check=False)
