"""One naming contract: the names bootstrap creates and the names the deploy finds them by.

Terraform computes every name in `terraform/modules/naming`, which bootstrap and the stack both
call. The deploy tooling cannot call it: it needs the state bucket before any Terraform runs,
and make names the ECR repositories for the image build. Those copies are proven equal to the
module's here, for a project and an account."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from harness.combinations import DEFAULT
from harness.rendering import copy_project, render
from harness.terraform import ToolMissing, terraform

ACCOUNT_ID = "210987654321"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rendered = render({**DEFAULT.answers, "aws_region": REGION})
    assert rendered.returncode == 0, rendered.stderr
    return copy_project(rendered, tmp_path_factory.mktemp("naming"))


def module_names(project: Path, work: Path, environment: str | None) -> dict[str, object]:
    """Every output of the naming module, applied in a scratch root of its own."""
    work.mkdir()
    environment_argument = f'"{environment}"' if environment else "null"
    (work / "main.tf").write_text(
        f"""module "names" {{
  source      = "{project / "terraform" / "modules" / "naming"}"
  project     = "orders-api"
  environment = {environment_argument}
  account_id  = "{ACCOUNT_ID}"
  aws_region  = "{REGION}"
}}

output "names" {{
  value = module.names
}}
"""
    )
    try:
        for step in (
            terraform("init", "-input=false", cwd=work),
            terraform("apply", "-auto-approve", "-input=false", cwd=work),
        ):
            assert step.ok, step.report()
    except ToolMissing as missing:
        pytest.skip(f"no Terraform to evaluate the naming module: {missing}")
    output = terraform("output", "-json", "names", cwd=work)
    assert output.ok, output.report()
    return json.loads(output.output)


def make_variable(project: Path, name: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "--eval=print-%: ; @echo $($*)", f"print-{name}"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def shell_state_bucket(project: Path, tmp_path: Path) -> str:
    """What the deploy scripts' state_bucket prints, with an AWS CLI that knows the account."""
    tools = tmp_path / "bin"
    tools.mkdir()
    aws = tools / "aws"
    aws.write_text(f'#!/bin/sh\n[ "$1 $2" = "sts get-caller-identity" ] && echo {ACCOUNT_ID}\n')
    aws.chmod(0o755)
    result = subprocess.run(
        ["bash", "-c", "source scripts/common.sh && state_bucket"],
        cwd=project,
        env={
            **os.environ,
            "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
            "PROJECT": make_variable(project, "PROJECT"),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_deploy_finds_the_state_bucket_bootstrap_made(project: Path, tmp_path: Path) -> None:
    names = module_names(project, tmp_path / "shared", environment=None)
    assert names["state_bucket"] == f"orders-api-tfstate-{ACCOUNT_ID}"
    assert shell_state_bucket(project, tmp_path) == names["state_bucket"]


def test_make_builds_into_the_repositories_bootstrap_made(project: Path, tmp_path: Path) -> None:
    names = module_names(project, tmp_path / "shared", environment=None)
    assert make_variable(project, "ECR_REPOSITORY") == names["ecr_repository"]
    assert make_variable(project, "BUILD_CACHE_REPOSITORY") == names["build_cache_repository"]


def test_an_environments_roles_sit_under_its_own_path_and_boundary(
    project: Path, tmp_path: Path
) -> None:
    """The stack plans (test_terraform.py) check the ARNs the tasks use against these shapes."""
    names = module_names(project, tmp_path / "staging", environment="staging")
    assert names["iam_role_path"] == "/orders-api/staging/"
    assert names["workload_boundary_arn"] == (
        f"arn:aws:iam::{ACCOUNT_ID}:policy/orders-api-staging-workload-boundary"
    )
    roles = names["workload_role_arns"]
    assert isinstance(roles, dict)
    assert (
        roles["task"]
        == f"arn:aws:iam::{ACCOUNT_ID}:role/orders-api/staging/orders-api-staging-task"
    )
