"""`make deploy`, `make destroy` and `make logs` step by step, against stand-in command-line tools.

The end-to-end deploy (test_deploy_e2e.py) proves the happy path and the missing image against
an emulated AWS; these drive the scripts into every other way a deploy can end, each in a
second: uncommitted work, an image the push did not register, a rollout the circuit breaker
undid or that failed, a service that does not answer, a destroy nobody confirmed, logs that
cannot be read. The tools are tests/fake_cli.py, told what to do by a scenario file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.combinations import DEFAULT
from tests.generated import git
from tests.rendering import copy_project, render

FAKE_CLI = Path(__file__).with_name("fake_cli.py")
STEP_LINE = re.compile(r"^\[(\d)/6\] (.+?) +\d+s  ", re.MULTILINE)


@dataclass
class Deployer:
    """A committed copy of the default project, and tools that do what the scenario says."""

    project: Path
    state: Path
    bin_dir: Path

    def scenario(self, **changes: object) -> None:
        path = self.state / "scenario.json"
        world = json.loads(path.read_text()) if path.exists() else {}
        path.write_text(json.dumps({**world, **changes}))

    def make(self, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
        (self.state / "calls.log").unlink(missing_ok=True)
        return subprocess.run(
            ["make", "--no-print-directory", *arguments],
            cwd=self.project,
            env={
                **os.environ,
                "PATH": f"{self.bin_dir}{os.pathsep}{os.environ['PATH']}",
                "FAKE_STATE": str(self.state),
                "STATE_BUCKET": "orders-api-tfstate-123456789012",
                "POLL_SECONDS": "0",
                "SMOKE_INTERVAL": "0",
                "SMOKE_URL": "http://127.0.0.1:9",
                **env,
            },
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def calls(self, tool: str) -> list[str]:
        log = self.state / "calls.log"
        lines = log.read_text().splitlines() if log.exists() else []
        return [line for line in lines if line.split(" ", 1)[0] == tool]


@pytest.fixture
def deployer(tmp_path: Path) -> Deployer:
    result = render(DEFAULT.answers)
    assert result.returncode == 0, result.stderr
    project = copy_project(result, tmp_path)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message=Generated", cwd=project)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("aws", "terraform", "docker", "curl"):
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_CLI}" {tool} "$@"\n')
        stub.chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    deployer = Deployer(project, state, bin_dir)
    deployer.scenario(
        images=[], push_registers=True, plan_changes=True, rollout="stable",
        service_answers=True,
    )  # fmt: skip
    return deployer


def steps(output: str) -> list[str]:
    return [name for _, name in STEP_LINE.findall(output)]


def commit_of(deployer: Deployer) -> str:
    return git("rev-parse", "HEAD", cwd=deployer.project).strip()


def test_a_deploy_runs_six_steps_and_builds_for_the_tasks(deployer: Deployer) -> None:
    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode == 0, result.stdout + result.stderr
    assert steps(result.stdout) == [
        "preflight", "image tag", "image", "terraform", "rollout", "smoke test",
    ]  # fmt: skip
    commit = commit_of(deployer)
    assert f"Deployed {commit} to staging" in result.stdout
    builds = [call for call in deployer.calls("docker") if call.startswith("docker build")]
    assert builds == [
        f"docker build --platform linux/arm64 --tag "
        f"123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:{commit} ."
    ]


def test_an_image_already_in_ecr_is_not_built_again(deployer: Deployer) -> None:
    deployer.scenario(images=[commit_of(deployer)], plan_changes=False)

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode == 0, result.stdout + result.stderr
    assert deployer.calls("docker") == []
    assert "already in ECR" in result.stdout
    assert re.search(r"^\[4/6\] terraform .*no changes$", result.stdout, re.MULTILINE)


@pytest.mark.parametrize("image_tag", ["", "0123456789abcdef0123456789abcdef01234567"])
def test_uncommitted_changes_stop_the_deploy_at_step_2(deployer: Deployer, image_tag: str) -> None:
    # A rollback (IMAGE_TAG given) applies the tree's Terraform too: it must be committed.
    (deployer.project / "terraform" / "main.tf").write_text("# edited\n", encoding="utf-8")

    result = deployer.make("deploy", "ENV=staging", f"IMAGE_TAG={image_tag}")

    assert result.returncode != 0
    assert "uncommitted changes (1 file(s), see git status)" in result.stderr
    assert "failed at step 2/6 (image tag)" in result.stderr
    assert deployer.calls("terraform") == [] and deployer.calls("docker") == []


def test_allow_dirty_deploys_them_under_a_tag_of_their_own(deployer: Deployer) -> None:
    (deployer.project / "README.md").write_text("edited\n", encoding="utf-8")

    result = deployer.make("deploy", "ENV=staging", ALLOW_DIRTY="1")

    assert result.returncode == 0, result.stdout + result.stderr
    # Never the commit's own tag: tags are immutable, and that one means the committed code.
    tag = re.search(r"^\[2/6\] image tag +\d+s  (\S+)", result.stdout, re.MULTILINE)
    assert tag and re.fullmatch(rf"{commit_of(deployer)}-dirty-\d{{14}}", tag[1])


def test_uncommitted_provider_locks_are_named_with_the_command_to_commit_them(
    deployer: Deployer,
) -> None:
    (deployer.project / "terraform" / ".terraform.lock.hcl").write_text("# lock\n")

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode != 0
    assert (
        "terraform init wrote provider lock files that are not committed: "
        "git add terraform/.terraform.lock.hcl && git commit -m 'Lock Terraform providers'"
    ) in result.stderr


def test_an_image_the_push_did_not_register_stops_the_deploy_at_step_3(
    deployer: Deployer,
) -> None:
    deployer.scenario(push_registers=False)

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode != 0
    assert "is not in ECR repository orders-api after the push" in result.stderr
    assert "failed at step 3/6 (image)" in result.stderr
    assert deployer.calls("terraform") == []


@pytest.mark.parametrize(
    ("rollout", "message"),
    [
        ("rolled_back", "the deployment circuit breaker rolled orders-api-staging back to "
                        "orders-api-staging:1"),
        ("failed", "the rollout of orders-api-staging:2 failed"),
    ],
)  # fmt: skip
def test_a_rollout_that_did_not_hold_stops_the_deploy_at_step_5(
    deployer: Deployer, rollout: str, message: str
) -> None:
    deployer.scenario(rollout=rollout)

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode != 0
    assert message in result.stderr
    assert "failed at step 5/6 (rollout)" in result.stderr


def test_a_service_that_does_not_answer_stops_the_deploy_at_step_6(deployer: Deployer) -> None:
    deployer.scenario(service_answers=False)

    result = deployer.make("deploy", "ENV=staging", SMOKE_ATTEMPTS="3")

    assert result.returncode != 0
    assert "GET http://127.0.0.1:9/health did not answer 2xx after 3 attempts (HTTP 503)" in (
        result.stderr
    )
    assert "failed at step 6/6 (smoke test)" in result.stderr
    health_checks = [call for call in deployer.calls("curl") if "--fail" in call]
    assert len(health_checks) == 3


@pytest.mark.parametrize(
    ("confirm", "message"),
    [
        (None, "nothing destroyed: confirm with CONFIRM=staging"),
        ("production", "nothing destroyed: 'production' is not 'staging'"),
    ],
)
def test_destroy_needs_the_environment_typed_again(
    deployer: Deployer, confirm: str | None, message: str
) -> None:
    env = {} if confirm is None else {"CONFIRM": confirm}

    result = deployer.make("destroy", "ENV=staging", **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert deployer.calls("terraform") == []


def test_destroy_confirmed_destroys_that_environment(deployer: Deployer) -> None:
    result = deployer.make("destroy", "ENV=staging", CONFIRM="staging")

    assert result.returncode == 0, result.stderr
    destroys = [call for call in deployer.calls("terraform") if " destroy " in call]
    assert len(destroys) == 1
    assert "-var-file=environments/staging.tfvars" in destroys[0]


def test_logs_print_the_events_and_stop_on_an_error(deployer: Deployer) -> None:
    printed = deployer.make("logs", "ENV=staging", FOLLOW="0")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines() == ['abc {"message": "hello"}']

    deployer.scenario(logs_denied=True)
    denied = deployer.make("logs", "ENV=staging")
    assert denied.returncode != 0
    assert "cannot read /ecs/orders-api-staging: An error occurred (AccessDeniedException)" in (
        denied.stderr
    )
