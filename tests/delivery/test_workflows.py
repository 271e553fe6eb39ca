"""The generated GitHub Actions workflows and deploy scripts: linted clean and shaped as promised.

Linters run once per distinct set of files: many combinations render the same workflows and
scripts, so each check is keyed by the content hash of what it reads and a pass is recorded
on disk, next to the render cache.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.cache import cached_json, content_key
from harness.combinations import THREE_WISE, Combination
from harness.rendering import render
from harness.terraform import ENVIRONMENTS

TOOLS = Path(sys.executable).parent
TOOL_ENV = {**os.environ, "PATH": f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}"}
SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
PINS_FILE = Path(__file__).with_name("github-actions-pins.md")
PIN_ROW = re.compile(r"^\| ([\w.-]+/[\w.-]+) \| (v\d+\.\d+\.\d+) \| `([0-9a-f]{40})` \|", re.M)


def verified_pins(path: Path) -> set[tuple[str, str, str]]:
    """(action, version, commit SHA) of every row of a pins table."""
    return set(PIN_ROW.findall(path.read_text()))


DEPLOY_TARGETS = (
    "bootstrap", "github", "doctor", "publish", "plan", "deploy", "rollback", "record-deploy",
    "destroy", "logs", "shell", "pause", "resume", "cost",
)  # fmt: skip

combinations = pytest.mark.parametrize("combination", THREE_WISE, ids=lambda c: c.id)


def project_of(combination: Combination) -> Path:
    result = render(combination.answers)
    assert result.returncode == 0, result.stderr
    return result.project


def workflow_files(project: Path) -> list[Path]:
    return sorted((project / ".github" / "workflows").glob("*.yml"))


def shell_scripts(project: Path) -> list[Path]:
    """Every shell script in the project: *.sh files and files with a sh/bash shebang."""
    scripts = []
    for path in sorted(project.rglob("*")):
        if not path.is_file() or ".git" in path.parts or ".terraform" in path.parts:
            continue
        if path.suffix == ".sh":
            scripts.append(path)
            continue
        with path.open("rb") as file:
            first_line = file.readline(200)
        if re.match(rb"#!\s*/(usr/)?bin/(env\s+)?(ba)?sh\b", first_line):
            scripts.append(path)
    return scripts


def lint_once(name: str, project: Path, files: list[Path], lint: Callable[[], None]) -> None:
    """Run `lint` unless the same files already passed it; a pass is kept in the cache."""
    contents = [
        str(path.relative_to(project)).encode() + b"\0" + path.read_bytes() for path in files
    ]

    def passed() -> str:
        lint()  # raises when the files fail it: nothing is kept
        return "passed"

    cached_json("lint", content_key(name, Path(__file__).read_bytes(), *contents), passed)


def run_tool(command: list[str], cwd: Path) -> None:
    result = subprocess.run(
        command, cwd=cwd, env=TOOL_ENV, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}{result.stderr}"


def load_workflow(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text())
    assert isinstance(workflow, dict), f"{path.name} is not a mapping"
    # YAML 1.1 reads the key `on` as the boolean True.
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def steps_of(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


# Linters ----------------------------------------------------------------------------------


@combinations
def test_workflows_pass_actionlint(combination: Combination) -> None:
    project = project_of(combination)
    files = workflow_files(project)
    assert files, "no workflows generated"
    relative = [str(path.relative_to(project)) for path in files]
    # actionlint runs shellcheck (found on PATH) over every `run:` block.
    lint_once(
        "actionlint",
        project,
        files,
        lambda: run_tool(
            [str(TOOLS / "actionlint"), "-shellcheck", "shellcheck", *relative], project
        ),
    )


@combinations
def test_workflows_pass_zizmor(combination: Combination) -> None:
    project = project_of(combination)
    github = project / ".github"
    files = sorted(path for path in github.rglob("*") if path.is_file())

    def zizmor() -> None:
        result = subprocess.run(
            [str(TOOLS / "zizmor"), "--offline", "--no-progress", ".github"],
            cwd=project,
            env=TOOL_ENV,
            capture_output=True,
            text=True,
            check=False,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        # zizmor skips a file it cannot parse with only a warning: each must be audited.
        for path in files:
            assert f"completed {path.relative_to(project)}" in output, output

    lint_once("zizmor", project, files, zizmor)


@combinations
def test_workflows_and_dependabot_match_their_schemas(combination: Combination) -> None:
    project = project_of(combination)
    workflows = workflow_files(project)
    dependabot = project / ".github" / "dependabot.yml"
    checker = str(TOOLS / "check-jsonschema")

    def check() -> None:
        run_tool(
            [checker, "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
            project,
        )
        run_tool([checker, "--builtin-schema", "vendor.dependabot", str(dependabot)], project)

    lint_once("check-jsonschema", project, [*workflows, dependabot], check)


@combinations
def test_shell_scripts_pass_shellcheck(combination: Combination) -> None:
    project = project_of(combination)
    scripts = shell_scripts(project)
    assert project / "scripts" / "deploy.sh" in scripts
    relative = [str(path.relative_to(project)) for path in scripts]
    # -x follows `source scripts/common.sh`; paths are relative to the project root.
    lint_once(
        "shellcheck",
        project,
        scripts,
        lambda: run_tool([str(TOOLS / "shellcheck"), "-x", *relative], project),
    )


@combinations
def test_scripts_are_strict_and_executable(combination: Combination) -> None:
    project = project_of(combination)
    for script in shell_scripts(project):
        text = script.read_text()
        if text.startswith("#!"):
            assert "set -euo pipefail" in text, f"{script.name} does not set -euo pipefail"
            assert os.access(script, os.X_OK), f"{script.name} is not executable"
        else:
            assert "# shellcheck shell=bash" in text, f"{script.name}: no shebang, no shell"


# Shape of the workflows ------------------------------------------------------------------


@combinations
def test_every_action_is_pinned_to_a_commit_with_its_version(combination: Combination) -> None:
    project = project_of(combination)
    pins: dict[str, set[str]] = {}
    for path in workflow_files(project):
        for line in path.read_text().splitlines():
            match = re.match(r"^\s*(?:- )?uses:\s*(.+)$", line)
            if not match:
                continue
            reference = match.group(1).strip()
            assert SHA_PIN.match(reference), f"{path.name}: {reference!r} is not pinned"
            action, _, sha = reference.split(" ")[0].partition("@")
            version = reference.rsplit("# ", 1)[1]
            assert (action, version, sha) in verified_pins(PINS_FILE), (
                f"{path.name}: {reference!r} is not a verified pin ({PINS_FILE.name})"
            )
            pins.setdefault(action, set()).add(sha)
    assert pins, "no actions used"
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


@combinations
def test_no_expression_is_expanded_inside_a_shell_script(combination: Combination) -> None:
    """Values reach `run:` through env (or the runner's own variables), never as text."""
    project = project_of(combination)
    for path in workflow_files(project):
        for step in steps_of(load_workflow(path)):
            assert "${{" not in step.get("run", ""), f"{path.name}: {step['run']!r}"


@combinations
def test_checkouts_do_not_keep_credentials(combination: Combination) -> None:
    project = project_of(combination)
    for path in workflow_files(project):
        for step in steps_of(load_workflow(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, path.name


@combinations
def test_ci_runs_on_pull_requests_and_main_with_read_only_token(combination: Combination) -> None:
    ci = load_workflow(project_of(combination) / ".github" / "workflows" / "ci.yml")
    assert set(ci["on"]) == {"pull_request", "push"}
    assert ci["on"]["push"]["branches"] == ["main"]
    assert ci["permissions"] == {"contents": "read"}
    for name, job in ci["jobs"].items():
        assert "id-token" not in job.get("permissions", {}), name
        assert "environment" not in job, name

    runs = "\n".join(step.get("run", "") for step in steps_of(ci))
    for command in (
        "make lint typecheck test",
        "terraform fmt -check",
        "terraform validate",
        "terraform test",
        "hadolint",
        "checkov",
        "zizmor",
        "make build",
        "docker run",
        "--read-only",
    ):
        assert command in runs, f"ci.yml does not run {command!r}"

    services = ci["jobs"]["python"].get("services", {})
    if combination.database in ("none", "dynamodb"):
        # DynamoDB's tests start their own emulator.
        assert services == {}
    else:
        assert services["postgres"]["image"] == f"postgres:{postgres_major(combination)}-alpine"


def postgres_major(combination: Combination) -> str:
    """The major version of the database Terraform creates, which CI and compose must match."""
    project = project_of(combination)
    variables = (project / "terraform" / "modules" / "database" / "variables.tf").read_text()
    default = re.search(r'variable "engine_version" \{.*?default\s*=\s*"(\d+)', variables, re.S)
    assert default, "no engine_version default in the database module"
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    assert compose["services"]["db"]["image"] == f"postgres:{default[1]}-alpine"
    return default[1]


def credentials_role(job: dict[str, Any]) -> str:
    """The role variable a job assumes; exactly one credentials step, never keys."""
    steps = [
        step
        for step in job["steps"]
        if step.get("uses", "").startswith("aws-actions/configure-aws-credentials@")
    ]
    assert len(steps) == 1
    assert "aws-access-key-id" not in steps[0]["with"]
    assert steps[0]["with"]["aws-region"] == "us-east-1"
    return steps[0]["with"]["role-to-assume"]


@combinations
def test_deploy_workflow_triggers_environments_and_permissions(combination: Combination) -> None:
    deploy = load_workflow(project_of(combination) / ".github" / "workflows" / "deploy.yml")
    assert deploy["on"]["push"] == {"branches": ["main"], "tags": ["v*"]}
    assert "workflow_dispatch" in deploy["on"]
    assert deploy["permissions"] == {"contents": "read"}

    jobs = deploy["jobs"]
    assert set(jobs) == {"build", "staging", "record-staging", "production"}
    # What runs on main: the build, staging, and recording that staging ran the image. The
    # publisher's jobs have no environment: its role trusts main's jobs without one.
    assert jobs["build"]["if"] == "github.ref == 'refs/heads/main'"
    assert jobs["staging"]["needs"] == "build"
    assert jobs["record-staging"]["needs"] == ["build", "staging"]
    assert jobs["production"]["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert "needs" not in jobs["production"]
    for name in ("build", "record-staging"):
        assert "environment" not in jobs[name], name
        assert credentials_role(jobs[name]) == "${{ vars.AWS_PUBLISHER_ROLE_ARN }}", name
    for environment in ENVIRONMENTS:
        job = jobs[environment]
        assert job["environment"] == environment
        assert credentials_role(job) == "${{ vars.AWS_ROLE_ARN }}"
        assert job["concurrency"] == {
            "group": f"deploy-{environment}",
            "cancel-in-progress": False,
        }
    for name, job in jobs.items():
        # OIDC where AWS is used, and nothing beyond reading the code besides.
        assert job["permissions"] == {"contents": "read", "id-token": "write"}, name

    runs = {name: [step.get("run", "") for step in job["steps"]] for name, job in jobs.items()}
    assert "make publish BUILD_CACHE=1" in runs["build"]
    assert jobs["build"]["outputs"] == {"digest": "${{ steps.publish.outputs.digest }}"}
    # Staging deploys the digest the build published; the deploy role cannot tag images, so
    # the publisher records the deploy afterwards.
    assert 'make deploy ENV=staging IMAGE_DIGEST="$IMAGE_DIGEST" MARK_DEPLOYED=0' in runs["staging"]
    assert 'make record-deploy ENV=staging IMAGE_DIGEST="$IMAGE_DIGEST"' in runs["record-staging"]
    for name in ("staging", "record-staging"):
        (step,) = [step for step in jobs[name]["steps"] if "IMAGE_DIGEST" in step.get("run", "")]
        assert step["env"] == {"IMAGE_DIGEST": "${{ needs.build.outputs.digest }}"}
    assert (
        'make deploy ENV=production IMAGE_TAG="$GITHUB_SHA" MARK_DEPLOYED=0' in runs["production"]
    )


@combinations
def test_the_image_is_built_once_by_the_publisher_for_the_tasks_architecture(
    combination: Combination,
) -> None:
    project = project_of(combination)
    deploy = load_workflow(project / ".github" / "workflows" / "deploy.yml")
    building = [
        name
        for name, job in deploy["jobs"].items()
        for step in job["steps"]
        if "make publish" in step.get("run", "")
        or step.get("uses", "").startswith("docker/build-push-action@")
    ]
    assert building == ["build"]
    # One build path: the workflow's job and `make deploy` both call scripts/publish.sh.
    assert 'scripts/publish.sh "$(IMAGE_TAG)"' in (project / "deploy.mk").read_text()
    assert "scripts/publish.sh" in (project / "scripts" / "deploy.sh").read_text()
    makefile = (project / "Makefile").read_text()
    platform = "linux/arm64" if combination.cpu_architecture == "arm64" else "linux/amd64"
    assert f"export IMAGE_PLATFORM := {platform}" in makefile
    uses_qemu = any(
        step.get("uses", "").startswith("docker/setup-qemu-action@")
        for step in deploy["jobs"]["build"]["steps"]
    )
    assert uses_qemu == (combination.cpu_architecture == "arm64")


@combinations
def test_dependabot_covers_every_kind_of_dependency(combination: Combination) -> None:
    config = yaml.safe_load((project_of(combination) / ".github" / "dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems == {"uv", "github-actions", "docker", "terraform"}


# The deploy targets ------------------------------------------------------------------------


@combinations
def test_deploy_targets_have_help(combination: Combination) -> None:
    makefile = (project_of(combination) / "deploy.mk").read_text()
    documented = re.findall(r"^([a-z][a-z-]*):.*## \S", makefile, flags=re.MULTILINE)
    assert sorted(documented) == sorted(DEPLOY_TARGETS)


@pytest.mark.parametrize(
    ("target", "environment"),
    [
        ("deploy", ""),
        ("deploy", "qa"),
        ("plan", "Staging"),
        ("rollback", "prod"),
        ("destroy", "staging production"),
        ("logs", "dev"),
        ("record-deploy", "prod"),
        ("pause", ""),
        ("resume", "prod"),
        ("shell", "Production"),
    ],
)
def test_unknown_environment_is_refused_before_any_aws_call(
    tmp_path: Path, target: str, environment: str
) -> None:
    project = project_of(THREE_WISE[0])
    # Stand-ins that record any call: none may happen.
    calls = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("aws", "terraform", "docker"):
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\n')
        stub.chmod(0o755)
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            "deploy.mk",
            target,
            f"ENV={environment}",
            "IMAGE_TAG=0123abc",
        ],
        cwd=project,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    expected = "ENV is required" if not environment else "ENV must be staging or production"
    assert expected in result.stderr
    assert not calls.exists(), calls.read_text()


def test_rollback_needs_an_image_tag() -> None:
    project = project_of(THREE_WISE[0])
    result = subprocess.run(
        ["make", "--no-print-directory", "-f", "deploy.mk", "rollback", "ENV=staging"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "IMAGE_TAG is required" in result.stderr
