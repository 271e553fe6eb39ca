"""An emulated AWS (moto, patched by harness/moto_launcher.py) on a loopback port, for the
end-to-end deploy.

`MotoServer` starts it in a subprocess and gives the environment that points the AWS CLI,
boto3 and Terraform at it. Nothing may leave the machine: every client gets the loopback
endpoint, fake credentials, no instance metadata, and a dead loopback proxy for anything that
would still try to go elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from harness.project import free_port
from harness.rendering import TEMPLATE_ROOT

ACCOUNT_ID = "123456789012"  # moto's default account
REGION = "us-east-1"
# Port 9 (discard) on loopback: nothing listens, so a request that skips the endpoint fails fast.
DEAD_PROXY = "http://127.0.0.1:9"
# Variables of the calling shell that could send a client to real AWS or another account.
AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
)


class MotoServer:
    def __init__(self, workdir: Path, ecs_running_tasks: int = 1) -> None:
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.log_path = workdir / "moto.log"
        # Empty AWS config files: nothing from ~/.aws applies.
        self.config_file = workdir / "aws-config"
        self.config_file.write_text(f"[default]\nregion = {REGION}\n")
        self.credentials_file = workdir / "aws-credentials"
        self.credentials_file.write_text("")
        server_env = {
            **{key: value for key, value in os.environ.items() if key not in AWS_VARIABLES},
            # Managed policies (e.g. AmazonECSTaskExecutionRolePolicy) exist for attachments.
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
            # Services report this many running tasks: equal to the desired count, they are stable.
            "MOTO_ECS_SERVICE_RUNNING": str(ecs_running_tasks),
        }
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harness.moto_launcher", str(self.port)],
            cwd=TEMPLATE_ROOT,
            env=server_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"moto exited early:\n{self.log()}"
            try:
                httpx.get(f"{self.endpoint}/moto-api/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"moto did not answer within {timeout}s:\n{self.log()}")

    def client_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for AWS CLI, boto3 and Terraform that reaches only this server."""
        base = dict(os.environ if base is None else base)
        env = {key: value for key, value in base.items() if key not in AWS_VARIABLES}
        env.update(
            AWS_ENDPOINT_URL=self.endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_REGION=REGION,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE=str(self.config_file),
            AWS_SHARED_CREDENTIALS_FILE=str(self.credentials_file),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
            HTTP_PROXY=DEAD_PROXY,
            HTTPS_PROXY=DEAD_PROXY,
            NO_PROXY="127.0.0.1,localhost",
        )
        return env

    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> MotoServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
