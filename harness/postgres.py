"""Throwaway PostgreSQL servers for the tests that run a generated service against one.

Each server is a copy of one cached `initdb` cluster, owned by the `postgres` user (the server
refuses to run as root), listening on a free loopback port with its socket inside its own
folder, so xdist workers never share one. Tests can stop and restart it mid-test. Connections
over TCP authenticate with a password, as RDS and the compose database do: a wrong one fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from harness.cache import cached_folder
from harness.tls import Certificate

SERVER_USER = "postgres"
MISSING = "PostgreSQL server binaries (initdb, pg_ctl) not on PATH"
# Durability off: these clusters live for one test.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
SUPERUSER_PASSWORD = "postgres"


def binaries_present() -> bool:
    return shutil.which("initdb") is not None and shutil.which("pg_ctl") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def as_server_user(*command: str) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return list(command)


def hand_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, SERVER_USER, SERVER_USER)


def server_version() -> str:
    output = subprocess.run(["pg_ctl", "--version"], capture_output=True, text=True, check=True)
    return output.stdout.split()[-1]


def template_cluster() -> Path:
    """One initdb per server version, shared by every test and worker (initdb takes seconds)."""

    def initdb(folder: Path) -> None:
        hand_to_server_user(folder.parent)
        hand_to_server_user(folder)
        password_file = folder / "superuser-password"
        password_file.write_text(SUPERUSER_PASSWORD + "\n")
        hand_to_server_user(password_file)
        try:
            subprocess.run(
                as_server_user(
                    "initdb",
                    "--pgdata",
                    str(folder / "data"),
                    "--username=postgres",
                    f"--pwfile={password_file}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--no-sync",
                ),
                check=True,
                capture_output=True,
            )
        finally:
            password_file.unlink()

    return cached_folder("postgres", f"template-{server_version()}-scram", initdb) / "data"


class PostgresServer:
    """A private server; `url` is what a generated service's DATABASE_URL should be."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pg-"))
        hand_to_server_user(self.root)
        self.data = self.root / "data"
        # Copy as the server user: the cluster must stay its, with its permissions.
        subprocess.run(
            as_server_user("cp", "-a", str(template_cluster()), str(self.data)), check=True
        )
        self.port = free_port()
        self.url = (
            f"postgresql+asyncpg://postgres:{SUPERUSER_PASSWORD}@127.0.0.1:{self.port}/postgres"
        )
        self.tls_options: list[str] = []

    def serve_tls(self, certificate: Certificate) -> None:
        """Offer TLS with this certificate from the next start, as RDS does (clients choose
        whether to use it, and whether to verify it)."""
        for source, name in (
            (certificate.certificate, "server.crt"),
            (certificate.key, "server.key"),
        ):
            target = self.root / name
            shutil.copyfile(source, target)
            target.chmod(0o600)
            hand_to_server_user(target)
        self.tls_options = [
            "-c ssl=on",
            f"-c ssl_cert_file={self.root / 'server.crt'}",
            f"-c ssl_key_file={self.root / 'server.key'}",
        ]

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            as_server_user("pg_ctl", "--pgdata", str(self.data), *arguments),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.root}",
            *(f"-c {setting}" for setting in FAST_SETTINGS),
            *self.tls_options,
        ]
        self._pg_ctl(
            "start", "--wait", "--log", str(self.root / "server.log"), "-o", " ".join(options)
        )

    def stop(self) -> None:
        self._pg_ctl("stop", "--wait", "--mode=fast")

    def execute(self, statement: str) -> str:
        """Run one SQL statement as the superuser with psql; returns what it printed."""
        result = subprocess.run(
            ["psql", self.url.replace("+asyncpg", ""), "--no-psqlrc", "--quiet", "--tuples-only",
             "--set=ON_ERROR_STOP=1", "--command", statement],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, f"{statement}: {result.stderr}"
        return result.stdout

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        if self.is_running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
