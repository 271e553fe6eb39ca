"""The deploy scripts step by step, against stand-in command-line tools.

The end-to-end deploy (test_deploy_e2e.py) proves the happy path against an emulated AWS; these
drive the scripts into every other way a deploy, a publish, `make github` or `make doctor` can
end, each in a second: uncommitted work, an image the push did not register, a tag someone else
pushed, production asked for an image staging never ran, a rollout the circuit breaker undid,
a service that does not answer, a destroy nobody confirmed, logs that cannot be read, GitHub
settings missing. The tools are harness/fake_cli.py, told what to do by a scenario file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import harness
from harness.combinations import DEFAULT
from harness.project import git
from harness.rendering import copy_project, render

# Run as a program, never imported: it reads its state folder from the environment.
FAKE_CLI = Path(harness.__file__).with_name("fake_cli.py")
TOOLS = ("aws", "terraform", "docker", "gh", "curl")
STEP_LINE = re.compile(r"^\[(\d)/8\] (.+?) +\d+s  (.*)$", re.MULTILINE)
REPOSITORY_URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api"
BUILT_CONFIG = "sha256:" + "c" * 64
OTHER_CONFIG = "sha256:" + "d" * 64
GITHUB = {
    "repository": {"full_name": "acme/orders-api", "id": 987654321, "admin": True},
    "users": {"alice": 11},
    "teams": {"acme/platform": 22},
}


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

    def world(self) -> dict:
        return json.loads((self.state / "scenario.json").read_text())

    def make(
        self, *arguments: str, path: str | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        (self.state / "calls.log").unlink(missing_ok=True)
        return subprocess.run(
            ["make", "--no-print-directory", *arguments],
            cwd=self.project,
            env={
                **os.environ,
                "PATH": path or f"{self.bin_dir}{os.pathsep}{os.environ['PATH']}",
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

    def commit(self) -> str:
        return git("rev-parse", "HEAD", cwd=self.project).strip()

    def add_image(self, tag: str, *tags: str, config: str = BUILT_CONFIG) -> str:
        digest = "sha256:" + format(abs(hash((tag, config))), "064x")[-64:]
        images = self.world()["images"]
        images[digest] = {"tags": [tag, *tags], "config": config}
        self.scenario(images=images)
        return digest


@pytest.fixture
def deployer(tmp_path: Path) -> Deployer:
    result = render(DEFAULT.answers)
    assert result.returncode == 0, result.stderr
    project = copy_project(result, tmp_path)
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("remote", "add", "origin", "git@github.com:acme/orders-api.git", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message=Generated", cwd=project)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        stub = bin_dir / tool
        stub.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_CLI}" {tool} "$@"\n')
        stub.chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    deployer = Deployer(project, state, bin_dir)
    deployer.scenario(
        images={}, push_registers=True, plan_changes=True, rollout="stable",
        service_answers=True,
    )  # fmt: skip
    return deployer


def steps(output: str) -> dict[str, str]:
    return {name: summary for _, name, summary in STEP_LINE.findall(output)}


# make deploy --------------------------------------------------------------------------------


def test_a_first_deploy_publishes_the_commit_and_runs_it_by_digest(deployer: Deployer) -> None:
    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode == 0, result.stdout + result.stderr
    ran = steps(result.stdout)
    assert list(ran) == [
        "preflight", "image tag", "image", "terraform", "rollout", "release health", "smoke test",
        "record",
    ]  # fmt: skip
    commit = deployer.commit()
    builds = [call for call in deployer.calls("docker") if call.startswith("docker buildx build")]
    assert len(builds) == 1
    assert builds[0].startswith(
        f"docker buildx build --platform linux/arm64 --provenance=false --sbom=false "
        f"--tag {REPOSITORY_URI}:{commit} --metadata-file "
    )
    assert builds[0].endswith(" --push .")
    # Resolved once, printed as tag = digest, and applied by digest.
    ((digest, image),) = deployer.world()["images"].items()
    assert ran["image"] == f"{REPOSITORY_URI}:{commit} = {REPOSITORY_URI}@{digest}"
    (plan,) = [call for call in deployer.calls("terraform") if " plan " in call]
    assert f"-var=image_digest={digest}" in plan
    # GET /info reports what runs: the commit's image and its digest.
    assert f"-var=app_version={commit}@{digest}" in plan
    assert f"Deployed {commit} = {digest} to staging" in result.stdout
    # Recorded: the lifecycle policy keeps the image, and production may take it.
    assert re.fullmatch(r"deployed-staging-\d{8}T\d{6}Z", image["tags"][1]), image["tags"]
    assert ran["record"].startswith(f"tagged orders-api@{digest} as deployed-staging-")


def test_an_image_already_in_ecr_is_not_built_again(deployer: Deployer) -> None:
    digest = deployer.add_image(deployer.commit())
    deployer.scenario(plan_changes=False)

    result = deployer.make("deploy", "ENV=staging", MARK_DEPLOYED="0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert deployer.calls("docker") == []
    assert steps(result.stdout)["image"].endswith(f"@{digest}")
    assert steps(result.stdout)["terraform"] == "no changes"
    assert steps(result.stdout)["record"] == (
        "left to the deploy workflow's image publisher (MARK_DEPLOYED=0)"
    )
    assert deployer.calls("aws") and not any("put-image" in call for call in deployer.calls("aws"))


def test_the_workflows_digest_is_deployed_as_given(deployer: Deployer) -> None:
    digest = deployer.add_image(deployer.commit())

    result = deployer.make("deploy", "ENV=staging", f"IMAGE_DIGEST={digest}", "MARK_DEPLOYED=0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert steps(result.stdout)["image tag"] == f"{digest} (given)"
    assert deployer.calls("docker") == []
    # The workflow built the digest from the commit it deploys.
    (plan,) = [call for call in deployer.calls("terraform") if " plan " in call]
    assert f"-var=app_version={deployer.commit()}@{digest}" in plan


@pytest.mark.parametrize(
    ("digest", "message"),
    [
        (
            "latest",
            "IMAGE_DIGEST must be an image digest (sha256: and 64 hex digits), not 'latest'",
        ),
        ("sha256:" + "e" * 64, f"image sha256:{'e' * 64} is not in ECR repository orders-api"),
    ],
)
def test_a_digest_that_is_not_an_image_stops_the_deploy(
    deployer: Deployer, digest: str, message: str
) -> None:
    result = deployer.make("deploy", "ENV=staging", f"IMAGE_DIGEST={digest}")

    assert result.returncode != 0
    assert message in result.stderr
    assert deployer.calls("terraform") == []


@pytest.mark.parametrize("image_tag", ["", "0123456789abcdef0123456789abcdef01234567"])
def test_uncommitted_changes_stop_the_deploy_at_step_2(deployer: Deployer, image_tag: str) -> None:
    # A rollback (IMAGE_TAG given) applies the tree's Terraform too: it must be committed.
    (deployer.project / "terraform" / "main.tf").write_text("# edited\n", encoding="utf-8")

    result = deployer.make("deploy", "ENV=staging", f"IMAGE_TAG={image_tag}")

    assert result.returncode != 0
    assert "uncommitted changes (1 file(s), see git status)" in result.stderr
    assert "failed at step 2/8 (image tag)" in result.stderr
    assert deployer.calls("terraform") == [] and deployer.calls("docker") == []


def test_allow_dirty_deploys_them_under_a_tag_of_their_own(deployer: Deployer) -> None:
    (deployer.project / "README.md").write_text("edited\n", encoding="utf-8")

    result = deployer.make("deploy", "ENV=staging", ALLOW_DIRTY="1")

    assert result.returncode == 0, result.stdout + result.stderr
    # Never the commit's own tag: tags are immutable, and that one means the committed code.
    tag = steps(result.stdout)["image tag"].split()[0]
    assert re.fullmatch(rf"{deployer.commit()}-dirty-\d{{14}}", tag)


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
    assert "failed at step 3/8 (image)" in result.stderr
    assert deployer.calls("terraform") == []


def test_production_takes_only_an_image_staging_ran(deployer: Deployer) -> None:
    commit = deployer.commit()
    deployer.add_image(commit)

    refused = deployer.make("deploy", "ENV=production", f"IMAGE_TAG={commit}")
    assert refused.returncode != 0
    assert "has never run in staging: production deploys only images staging ran" in refused.stderr
    assert "failed at step 3/8 (image)" in refused.stderr
    assert deployer.calls("terraform") == []


def test_production_deploys_the_image_staging_ran_by_its_digest(deployer: Deployer) -> None:
    commit = deployer.commit()
    digest = deployer.add_image(commit, "deployed-staging-20261201T120000Z")

    result = deployer.make("deploy", "ENV=production", f"IMAGE_TAG={commit}", "MARK_DEPLOYED=0")

    assert result.returncode == 0, result.stdout + result.stderr
    assert steps(result.stdout)["image"] == f"{REPOSITORY_URI}:{commit} = {REPOSITORY_URI}@{digest}"
    assert deployer.calls("docker") == []
    (plan,) = [call for call in deployer.calls("terraform") if " plan " in call]
    assert f"-var=app_version={commit}@{digest}" in plan


def test_production_never_builds(deployer: Deployer) -> None:
    result = deployer.make("deploy", "ENV=production")

    assert result.returncode != 0
    assert "production deploys only what staging ran, so deploy this commit to staging first" in (
        result.stderr
    )
    assert deployer.calls("docker") == []


@pytest.mark.parametrize(
    ("rollout", "message"),
    [
        ("rolled_back", "ECS rolled orders-api-staging back to orders-api-staging:1 (the "
                        "deployment circuit breaker or a release-health alarm)"),
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
    assert "failed at step 5/8 (rollout)" in result.stderr
    assert not any("put-image" in call for call in deployer.calls("aws")), (
        "recorded a failed deploy"
    )


def test_a_paused_environment_is_not_deployed_until_it_is_resumed(deployer: Deployer) -> None:
    deployer.scenario(paused=True)

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode != 0
    assert "staging is paused (make pause): run 'make resume ENV=staging' first" in result.stderr
    assert "failed at step 4/8 (terraform)" in result.stderr
    assert not any(" plan " in call for call in deployer.calls("terraform"))


def test_the_release_health_alarms_are_reported_as_their_own_step(deployer: Deployer) -> None:
    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode == 0, result.stdout + result.stderr
    assert steps(result.stdout)["release health"] == (
        "no alarm went off: orders-api-staging-load-balancer-5xx OK, "
        "orders-api-staging-target-5xx OK"
    )


def test_an_alarm_going_off_stops_the_deploy_at_step_6(deployer: Deployer) -> None:
    deployer.scenario(alarms="firing")

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode != 0
    assert (
        "release-health alarm(s) going off: orders-api-staging-target-5xx: see the dashboard"
        in (result.stderr)
    )
    assert "failed at step 6/8 (release health)" in result.stderr
    assert deployer.calls("curl") == [], "smoke-tested a release its alarms judged failing"
    assert not any("put-image" in call for call in deployer.calls("aws")), "recorded it"


def test_a_service_without_alarms_is_judged_by_the_circuit_breaker(deployer: Deployer) -> None:
    deployer.scenario(alarms="none")

    result = deployer.make("deploy", "ENV=staging")

    assert result.returncode == 0, result.stdout + result.stderr
    assert steps(result.stdout)["release health"] == (
        "orders-api-staging has no release-health alarms: the circuit breaker alone judged it"
    )


def test_a_service_that_does_not_answer_stops_the_deploy_at_step_7(deployer: Deployer) -> None:
    deployer.scenario(service_answers=False)

    result = deployer.make("deploy", "ENV=staging", SMOKE_ATTEMPTS="3")

    assert result.returncode != 0
    assert "GET http://127.0.0.1:9/health did not answer 2xx after 3 attempts (HTTP 503)" in (
        result.stderr
    )
    assert "failed at step 7/8 (smoke test)" in result.stderr
    health_checks = [call for call in deployer.calls("curl") if "--fail" in call]
    assert len(health_checks) == 3


# make publish -------------------------------------------------------------------------------


def test_publishing_a_tag_already_in_ecr_builds_and_compares(deployer: Deployer) -> None:
    digest = deployer.add_image(deployer.commit())

    result = deployer.make("publish")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == digest
    (build,) = deployer.calls("docker")[1:]
    assert build.endswith(" --load ."), "the tag exists: build, compare, and never push over it"
    assert "is already in ECR, and this build is the same image" in result.stderr


def test_a_tag_pushed_by_someone_else_fails_the_publish_loudly(deployer: Deployer) -> None:
    commit = deployer.commit()
    planted = deployer.add_image(commit, config=OTHER_CONFIG)

    result = deployer.make("publish")

    assert result.returncode != 0
    assert (
        f"{REPOSITORY_URI}:{commit} is already in ECR as {planted} (configuration {OTHER_CONFIG}), "
        f"and this build made another image (configuration {BUILT_CONFIG})"
    ) in result.stderr
    assert "Find out who pushed it before deploying anything under this tag." in result.stderr
    assert result.stdout == ""


def test_without_its_comparison_publish_would_take_a_planted_tag(deployer: Deployer) -> None:
    """The check above is what stops the planted image: put back the hole (a tag already in ECR
    is taken as it is) and the same scenario publishes the planted digest."""
    publish = deployer.project / "scripts" / "publish.sh"
    comparison = '[[ -n "$built_config" && "$built_config" == "$pushed_config" ]] ||'
    assert comparison in publish.read_text()
    publish.write_text(publish.read_text().replace(comparison, "true ||"))
    git("commit", "--quiet", "--all", "--message=Trust any tag in ECR", cwd=deployer.project)
    commit = deployer.commit()
    planted = deployer.add_image(commit, config=OTHER_CONFIG)

    result = deployer.make("publish")

    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{planted}\n"


def test_the_publisher_writes_the_digest_for_the_workflow(
    deployer: Deployer, tmp_path: Path
) -> None:
    outputs = tmp_path / "github-output"

    result = deployer.make("publish", BUILD_CACHE="1", GITHUB_OUTPUT=str(outputs))

    assert result.returncode == 0, result.stderr
    ((digest, _),) = deployer.world()["images"].items()
    assert outputs.read_text() == f"digest={digest}\n"
    (build,) = [call for call in deployer.calls("docker") if "buildx" in call]
    cache = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api-build-cache:main"
    assert f"--cache-from type=registry,ref={cache}" in build
    assert f"--cache-to type=registry,ref={cache},mode=max," in build


def test_record_deploy_tags_the_image_for_its_environment(deployer: Deployer) -> None:
    digest = deployer.add_image(deployer.commit())

    result = deployer.make("record-deploy", "ENV=production", f"IMAGE_DIGEST={digest}")

    assert result.returncode == 0, result.stderr
    tags = deployer.world()["images"][digest]["tags"]
    assert re.fullmatch(r"deployed-production-\d{8}T\d{6}Z", tags[1])


# make destroy, make logs ----------------------------------------------------------------------


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


# make shell ---------------------------------------------------------------------------------------

TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/orders-api-staging/0123456789abcdef0"


def with_session_manager_plugin(deployer: Deployer) -> None:
    stub = deployer.bin_dir / "session-manager-plugin"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)


def test_make_shell_opens_sh_in_the_app_container_of_a_running_task(deployer: Deployer) -> None:
    with_session_manager_plugin(deployer)

    result = deployer.make("shell", "ENV=staging")

    assert result.returncode == 0, result.stderr
    (call,) = [call for call in deployer.calls("aws") if "execute-command" in call]
    assert call == (
        "aws ecs execute-command --cluster orders-api-staging --task "
        f"{TASK_ARN} --container app --interactive --command /bin/sh"
    )
    assert result.stdout.strip() == f"session: {TASK_ARN} app /bin/sh"


def test_make_shell_takes_the_task_and_command_it_is_given(deployer: Deployer) -> None:
    with_session_manager_plugin(deployer)

    result = deployer.make("shell", "ENV=staging", "TASK=fedcba987", "COMMAND=python -V")

    assert result.returncode == 0, result.stderr
    assert not any("list-tasks" in call for call in deployer.calls("aws"))
    assert result.stdout.strip() == "session: fedcba987 app python -V"


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ({"exec": "off"},
         "ECS Exec is off in staging: set enable_execute_command = true in "
         "terraform/environments/staging.tfvars, then make deploy ENV=staging"),
        ({"tasks": "none"},
         "no task of orders-api-staging is running: it is paused (make resume ENV=staging) "
         "or outside its office hours"),
        ({"exec_agent": "None"},
         "task 0123456789abcdef0 has no ECS Exec agent: it started before ECS Exec was turned "
         "on (make deploy ENV=staging replaces it)"),
        ({"exec_agent": "PENDING"},
         "the ECS Exec agent of task 0123456789abcdef0 is PENDING: try again in a minute"),
    ],
)  # fmt: skip
def test_make_shell_says_why_no_shell_can_open(
    deployer: Deployer, scenario: dict, message: str
) -> None:
    with_session_manager_plugin(deployer)
    deployer.scenario(**scenario)

    result = deployer.make("shell", "ENV=staging")

    assert result.returncode != 0
    assert message in result.stderr
    assert not any("execute-command" in call for call in deployer.calls("aws"))


def test_make_shell_without_the_session_manager_plugin_says_where_to_get_it(
    deployer: Deployer,
) -> None:
    path = os.pathsep.join(
        folder
        for folder in [str(deployer.bin_dir), *os.environ["PATH"].split(os.pathsep)]
        if not (Path(folder) / "session-manager-plugin").exists()
    )

    result = deployer.make("shell", "ENV=staging", path=path)

    assert result.returncode != 0
    assert "session-manager-plugin not found: make shell needs AWS's Session Manager plugin" in (
        result.stderr
    )
    assert deployer.calls("aws") == []


def test_make_shell_in_production_asks_first(deployer: Deployer) -> None:
    with_session_manager_plugin(deployer)

    unconfirmed = deployer.make("shell", "ENV=production")
    assert unconfirmed.returncode != 0
    assert "production left as it was: confirm with CONFIRM=production" in unconfirmed.stderr
    assert deployer.calls("aws") == [] and deployer.calls("terraform") == []

    confirmed = deployer.make("shell", "ENV=production", CONFIRM="production")
    assert confirmed.returncode == 0, confirmed.stderr
    assert any("execute-command" in call for call in deployer.calls("aws"))


# make github, make doctor ------------------------------------------------------------------------


@pytest.fixture
def github(deployer: Deployer) -> Deployer:
    """A repository gh can administer, and bootstrap's state saved in the bucket."""
    deployer.scenario(github=json.loads(json.dumps(GITHUB)), bootstrap_state_saved=True)
    tfvars = deployer.project / "terraform" / "bootstrap" / "github.auto.tfvars"
    tfvars.write_text("github_repository_id = 987654321\n")
    return deployer


def test_make_github_sets_up_environments_variables_and_the_oidc_subject(github: Deployer) -> None:
    result = github.make("github", "REVIEWERS=alice,acme/platform")

    assert result.returncode == 0, result.stdout + result.stderr
    settings = github.world()["github"]
    environments = settings["environments"]
    assert [(p["type"], p["name"]) for p in environments["staging"]["policies"]] == [
        ("branch", "main")
    ]
    assert [(p["type"], p["name"]) for p in environments["production"]["policies"]] == [
        ("tag", "v*")
    ]
    custom = {"protected_branches": False, "custom_branch_policies": True}
    assert environments["staging"]["settings"] == {"deployment_branch_policy": custom}
    assert environments["production"]["settings"] == {
        "prevent_self_review": True,
        "reviewers": [{"type": "User", "id": 11}, {"type": "Team", "id": 22}],
        "deployment_branch_policy": custom,
    }
    assert settings["variables"] == {
        "staging/AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/orders-api-staging-deploy",
        "production/AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/orders-api-production-deploy",
        "/AWS_PUBLISHER_ROLE_ARN": "arn:aws:iam::123456789012:role/orders-api-image-publisher",
    }
    assert settings["oidc"] == {
        "use_default": False,
        "include_claim_keys": ["repository_id", "context", "job_workflow_ref"],
    }

    again = github.make("github", "REVIEWERS=alice,acme/platform")
    assert again.returncode == 0, again.stderr
    assert len(github.world()["github"]["environments"]["staging"]["policies"]) == 1


def test_make_github_replaces_a_wider_deployment_rule(github: Deployer) -> None:
    world = github.world()
    world["github"]["environments"] = {
        "staging": {"policies": [{"id": 1, "type": "branch", "name": "*"}]},
    }
    github.scenario(**world)

    result = github.make("github", "REVIEWERS=alice")

    assert result.returncode == 0, result.stderr
    policies = github.world()["github"]["environments"]["staging"]["policies"]
    assert [(p["type"], p["name"]) for p in policies] == [("branch", "main")]


@pytest.mark.parametrize(
    ("change", "reviewers", "message"),
    [
        ({}, "", "REVIEWERS is required: the GitHub users and teams (org/team) who approve "
                 "production deploys"),
        ({}, "mallory", "reviewer mallory is not a GitHub user"),
        ({"repository": {"full_name": "Acme/Orders-API", "id": 987654321, "admin": True}}, "alice",
         "GitHub names the repository Acme/Orders-API, not acme/orders-api"),
        ({"repository": {"full_name": "acme/orders-api", "id": 987654321, "admin": False}}, "alice",
         "you are not an administrator of acme/orders-api"),
        ({"repository": {"full_name": "acme/orders-api", "id": 555, "admin": True}}, "alice",
         "recorded the id of acme/orders-api (555) in terraform/bootstrap/github.auto.tfvars: run "
         "'make bootstrap' so that the roles trust it"),
        ({"logged_in": False}, "alice", "gh is not logged in: run 'gh auth login'"),
    ],
)  # fmt: skip
def test_make_github_refuses_what_it_cannot_do_right(
    github: Deployer, change: dict, reviewers: str, message: str
) -> None:
    github.scenario(github={**GITHUB, **change})

    result = github.make("github", f"REVIEWERS={reviewers}")

    assert result.returncode != 0
    assert message in result.stderr
    assert not any(" PUT " in f" {call} " or "--method PUT" in call for call in github.calls("gh"))


@pytest.mark.parametrize(
    ("scenario", "line"),
    [
        ({}, "ok    builds linux/arm64 images"),
        ({"docker_daemon": False},
         "FAIL  docker is installed but its daemon does not answer: start Docker (or point "
         "DOCKER_HOST at a running engine)"),
        ({"buildx_platforms": "linux/amd64, linux/386"},
         "FAIL  docker buildx cannot build linux/arm64 here (it builds linux/amd64, linux/386): "
         "install QEMU emulation, e.g. docker run --privileged --rm tonistiigi/binfmt --install "
         "arm64"),
    ],
)  # fmt: skip
def test_doctor_checks_the_container_engine_not_just_its_cli(
    github: Deployer, scenario: dict, line: str
) -> None:
    github.scenario(**scenario)

    result = github.make("doctor")

    assert line in doctor_lines(result, line.split()[0])


def test_bootstrap_refuses_a_clone_of_another_repository(github: Deployer) -> None:
    git("remote", "set-url", "origin", "git@github.com:mallory/orders-api.git", cwd=github.project)

    result = github.make("bootstrap", "AUTO_APPROVE=1")

    assert result.returncode != 0
    assert (
        "error: git remote origin is mallory/orders-api, but the deploy roles trust "
        "acme/orders-api: regenerate with the right github_repository, or fix the remote"
    ) in result.stderr
    assert github.calls("terraform") == []


def test_bootstrap_without_a_remote_says_whom_the_roles_will_trust(github: Deployer) -> None:
    git("remote", "remove", "origin", cwd=github.project)

    result = github.make("bootstrap", "AUTO_APPROVE=1")

    assert result.returncode == 0, result.stderr
    assert "warning: no git remote 'origin' yet; the roles will trust acme/orders-api" in (
        result.stderr
    )


def test_without_gh_make_github_prints_the_steps_by_hand(github: Deployer) -> None:
    (github.bin_dir / "gh").unlink()
    path = f"{github.bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    if shutil.which("gh", path=path):
        pytest.skip(
            f"gh is installed in {shutil.which('gh', path=path)}: its absence cannot be shown"
        )

    result = github.make("github", "REVIEWERS=alice", path=path)

    assert result.returncode != 0
    assert "gh (the GitHub CLI) not found: do the steps above by hand" in result.stderr
    assert 'add the tag rule "v*"' in result.stdout
    assert (
        "AWS_ROLE_ARN =\n     arn:aws:iam::123456789012:role/orders-api-production-deploy"
        in result.stdout
    )
    assert "AWS_PUBLISHER_ROLE_ARN = arn:aws:iam::123456789012:role/orders-api-image-publisher" in (
        result.stdout
    )


def doctor_lines(result: subprocess.CompletedProcess[str], kind: str) -> list[str]:
    return [
        line.strip()
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip().startswith(kind)
    ]


def test_doctor_reads_the_github_settings_back(github: Deployer) -> None:
    setup = github.make("github", "REVIEWERS=alice")
    assert setup.returncode == 0, setup.stderr

    result = github.make("doctor")

    github_checks = [line for line in doctor_lines(result, "ok") if "GitHub" in line]
    assert github_checks == [
        "ok    GitHub environment staging deploys from main only",
        "ok    GitHub environment staging: AWS_ROLE_ARN",
        "ok    GitHub environment production deploys from v* only",
        "ok    GitHub environment production: AWS_ROLE_ARN",
        "ok    GitHub environment production: 1 required reviewer(s), no self-review",
        "ok    GitHub variable AWS_PUBLISHER_ROLE_ARN",
        "ok    GitHub OIDC subject: repository id, context and workflow, as the roles trust",
    ]
    assert "ok    git remote origin is acme/orders-api" in doctor_lines(result, "ok")


def test_doctor_names_each_missing_github_setting(github: Deployer) -> None:
    result = github.make("doctor")

    assert result.returncode != 0
    failures = [line for line in doctor_lines(result, "FAIL") if "GitHub" in line]
    assert failures == [
        "FAIL  GitHub environment staging missing: run 'make github REVIEWERS=...'",
        "FAIL  GitHub environment production missing: run 'make github REVIEWERS=...'",
        "FAIL  GitHub environment production needs required reviewers with 'Prevent self-review' "
        "(now 0 reviewer(s), self-review prevented: false): run 'make github REVIEWERS=...'",
        "FAIL  GitHub repository variable AWS_PUBLISHER_ROLE_ARN is not "
        "arn:aws:iam::123456789012:role/orders-api-image-publisher: "
        "run 'make github REVIEWERS=...'",
        "FAIL  GitHub OIDC subject template is default, but the roles trust "
        '["repository_id","context","job_workflow_ref"]: run \'make github REVIEWERS=...\'',
    ]


def test_doctor_refuses_a_remote_the_roles_do_not_trust(github: Deployer) -> None:
    git(
        "remote",
        "set-url",
        "origin",
        "https://github.com/mallory/orders-api.git",
        cwd=github.project,
    )

    result = github.make("doctor")

    assert result.returncode != 0
    assert (
        "FAIL  git remote origin is mallory/orders-api, but the deploy roles trust "
        "acme/orders-api: regenerate with the right github_repository, or fix the remote"
    ) in doctor_lines(result, "FAIL")
