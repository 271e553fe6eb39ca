"""The generated repo's own `make bootstrap` and `make deploy`, end to end, against an emulated AWS.

Terraform really applies, against moto on loopback (tests/moto_server.py); nothing else is
faked but what has no emulator: the container engine (a stand-in CLI registers an image
manifest in moto's ECR instead of pushing layers) and the service behind the load balancer
(the smoke test is pointed, with SMOKE_URL, at the generated app started locally).

What the emulator needs and a real account does not is added here, to a copy of the project
and never to the template: `*_override.tf` files with emulator provider and backend settings,
and the endpoint in AWS_ENDPOINT_URL, which the AWS CLI and the aws provider both honour.

Three combinations cover every value of every option (staging runs one NAT gateway even with
one-per-az: the stack plans check production's one per zone).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.combinations import DOMAIN_NAME, ROUTE53_ZONE, Combination
from tests.generated import (
    MISSING_TOOLCHAIN,
    Server,
    project_environment,
    sync,
)
from tests.moto_server import MotoServer
from tests.rendering import copy_project, render

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(MISSING_TOOLCHAIN is not None, reason=str(MISSING_TOOLCHAIN)),
]

E2E_COMBINATIONS = [
    Combination("postgresql", "off", "single", "arm64"),
    Combination("aurora-postgresql", "acm-route53", "one-per-az", "x86_64"),
    Combination("none", "acm-existing", "none", "arm64"),
]
STATE_BUCKET = "orders-api-tfstate-123456789012"
REPOSITORY_URI = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api"
TERRAFORM_MIRROR = os.environ.get("TF_PROVIDER_MIRROR") or (
    "/opt/tf-plugins" if Path("/opt/tf-plugins").is_dir() else None
)

# Settings only an emulator needs: fake keys come from the environment, the endpoint from
# AWS_ENDPOINT_URL; these skip what moto cannot answer and address S3 by path.
PROVIDER_OVERRIDE = """\
provider "aws" {
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false
  s3_use_path_style           = true
}
"""
# An override's backend block replaces the original's arguments: repeat use_lockfile.
BACKEND_OVERRIDE = """
terraform {
  backend "s3" {
    use_lockfile                = true
    use_path_style              = true
    skip_credentials_validation = true
    skip_metadata_api_check     = true
    skip_requesting_account_id  = true
  }
}
"""
# Stands in for docker: "push" registers an image manifest in the emulated ECR.
FAKE_CONTAINER_CLI = """\
#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$FAKE_CONTAINER_LOG"
case "$1" in
  login) cat >/dev/null ;;
  build) ;;
  push)
    repository=${2#*/}
    repository=${repository%:*}
    tag=${2##*:}
    digest=$(printf '%s' "$tag" | sha256sum | cut -d' ' -f1)
    manifest='{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",'
    manifest+='"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,'
    manifest+="\\"digest\\":\\"sha256:${digest}\\"},\\"layers\\":[]}"
    aws ecr put-image --repository-name "$repository" --image-tag "$tag" \\
      --image-manifest "$manifest" >/dev/null
    ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"""


class Deployment:
    """A private copy of the generated project, a git repository, wired to the emulator."""

    def __init__(self, project: Path, moto: MotoServer, workdir: Path) -> None:
        self.project = project
        self.moto = moto
        self.timings: list[str] = []
        self.env = moto.client_env(project_environment())
        container_cli = workdir / "container-cli"
        container_cli.write_text(FAKE_CONTAINER_CLI)
        container_cli.chmod(0o755)
        self.container_log = workdir / "container-cli.log"
        self.env.update(
            CONTAINER_CLI=str(container_cli),
            FAKE_CONTAINER_LOG=str(self.container_log),
            POLL_SECONDS="1",
            SMOKE_ATTEMPTS="5",
            CHECKPOINT_DISABLE="1",
            TF_IN_AUTOMATION="1",
            GIT_AUTHOR_NAME="Test",
            GIT_AUTHOR_EMAIL="test@example.com",
            GIT_COMMITTER_NAME="Test",
            GIT_COMMITTER_EMAIL="test@example.com",
        )
        if TERRAFORM_MIRROR:
            cli_config = workdir / "terraform.rc"
            cli_config.write_text(
                "provider_installation {\n"
                f'  filesystem_mirror {{\n    path    = "{TERRAFORM_MIRROR}"\n'
                '    include = ["registry.terraform.io/*/*"]\n  }\n'
                '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
            )
            self.env["TF_CLI_CONFIG_FILE"] = str(cli_config)
        else:
            # No local mirror (a laptop, CI): Terraform downloads the aws provider itself.
            self.env["NO_PROXY"] += ",registry.terraform.io,releases.hashicorp.com"

        (project / "terraform" / "emulator_override.tf").write_text(
            PROVIDER_OVERRIDE + BACKEND_OVERRIDE
        )
        (project / "terraform" / "bootstrap" / "emulator_override.tf").write_text(PROVIDER_OVERRIDE)
        self.git("init", "--quiet", "--initial-branch=main")
        # The test's own log is not the project's: keep it out of the dirty-tree check. The
        # overrides, plans and state are ignored by the project's own .gitignore.
        (project / ".git" / "info" / "exclude").write_text("server.log\n")
        self.commit("Initial commit from fargate-service")

    def git(self, *args: str) -> str:
        return self.run(["git", *args]).stdout

    def commit(self, message: str) -> str:
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "--message", message)
        return self.git("rev-parse", "HEAD").strip()

    def run(self, command: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            command,
            cwd=self.project,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=1200,
            check=False,
        )
        if check:
            assert result.returncode == 0, (
                f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}"
            )
        return result

    def make(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        try:
            return self._make(*args, check=check)
        finally:
            self.timings.append(f"make {' '.join(args)}: {time.monotonic() - started:.0f}s")

    def _make(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(["make", "--no-print-directory", *args], check=check)

    def container_calls(self, command: str) -> list[str]:
        """The calls of one command the stand-in container CLI received, in order."""
        if not self.container_log.exists():
            return []
        return [
            line for line in self.container_log.read_text().splitlines()
            if line.split(" ", 1)[0] == command
        ]  # fmt: skip

    def terraform(self, *args: str) -> str:
        return self.run(["terraform", "-chdir=terraform", *args]).stdout

    def state(self) -> set[str]:
        return set(self.terraform("state", "list").split())


def running_images(moto: MotoServer) -> set[str]:
    """The images of the task definition the staging service runs."""
    ecs = moto.client("ecs")
    (service,) = ecs.describe_services(
        cluster="orders-api-staging", services=["orders-api-staging"]
    )["services"]
    containers = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
        "taskDefinition"
    ]["containerDefinitions"]
    return {container["image"] for container in containers}


def changed_resources(deploy_output: str) -> list[str]:
    """The resource lines `make deploy` prints under its terraform step."""
    return re.findall(r"^ {8}(\S+) (?:will be|must be)", deploy_output, flags=re.MULTILINE)


def step_line(deploy_output: str, step: int) -> str:
    match = re.search(rf"^\[{step}/6\] .*$", deploy_output, flags=re.MULTILINE)
    assert match, f"no line for step {step}:\n{deploy_output}"
    return match.group()


def rolled_out(deploy_output: str) -> str:
    """The task definition (family:revision) the rollout step saw running."""
    return step_line(deploy_output, 5).split()[3].rstrip(":")


def import_certificate(moto: MotoServer) -> str:
    """A self-signed certificate for the domain, imported into the emulated ACM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(DOMAIN_NAME), x509.DNSName(f"*.{DOMAIN_NAME}")]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    response = moto.client("acm").import_certificate(
        Certificate=certificate.public_bytes(serialization.Encoding.PEM),
        PrivateKey=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    return response["CertificateArn"]


def environment_resources(moto: MotoServer) -> dict[str, int]:
    """How many of each kind of environment resource the emulated account holds."""
    ec2, ecs, rds = moto.client("ec2"), moto.client("ecs"), moto.client("rds")
    clusters = ecs.list_clusters()["clusterArns"]
    return {
        "non-default VPCs": len(
            ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"]
        ),
        "NAT gateways": len(
            [
                gateway
                for gateway in ec2.describe_nat_gateways()["NatGateways"]
                if gateway["State"] not in ("deleted", "deleting")
            ]
        ),
        "active ECS clusters": len(
            [
                cluster
                for cluster in ecs.describe_clusters(clusters=clusters)["clusters"]
                if cluster["status"] == "ACTIVE"
            ]
            if clusters
            else []
        ),
        "load balancers": len(moto.client("elbv2").describe_load_balancers()["LoadBalancers"]),
        "DB instances": len(rds.describe_db_instances()["DBInstances"]),
        "DB clusters": len(rds.describe_db_clusters()["DBClusters"]),
        "log groups": len(
            moto.client("logs").describe_log_groups(logGroupNamePrefix="/ecs/")["logGroups"]
        ),
    }


def assert_environment_matches_options(moto: MotoServer, combination: Combination) -> None:
    resources = environment_resources(moto)
    # Staging runs one NAT gateway even with one-per-az (the stack plans check production's two).
    expected_nat = {"single": 1, "one-per-az": 1, "none": 0}[combination.nat_gateways]
    assert resources["non-default VPCs"] == 1
    assert resources["NAT gateways"] == expected_nat
    assert resources["active ECS clusters"] == 1
    assert resources["load balancers"] == 1
    assert resources["DB instances"] == (0 if combination.database == "none" else 1)
    assert resources["DB clusters"] == (1 if combination.database == "aurora-postgresql" else 0)

    elbv2 = moto.client("elbv2")
    balancer = elbv2.describe_load_balancers()["LoadBalancers"][0]
    ports = {
        listener["Port"]
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])[
            "Listeners"
        ]
    }
    assert ports == ({80} if combination.https == "off" else {80, 443})

    service = moto.client("ecs").describe_services(
        cluster="orders-api-staging", services=["orders-api-staging"]
    )["services"][0]
    assert service["status"] == "ACTIVE"
    task_definition = moto.client("ecs").describe_task_definition(
        taskDefinition=service["taskDefinition"]
    )["taskDefinition"]
    architecture = {"arm64": "ARM64", "x86_64": "X86_64"}[combination.cpu_architecture]
    assert task_definition["runtimePlatform"]["cpuArchitecture"] == architecture
    containers = {container["name"] for container in task_definition["containerDefinitions"]}
    assert ("migrate" in containers) == (combination.database != "none")


@pytest.mark.parametrize("combination", E2E_COMBINATIONS, ids=lambda c: c.id)
def test_bootstrap_deploy_redeploy_and_destroy(
    combination: Combination, tmp_path: Path, record_property: Callable[[str, object], None]
) -> None:
    started = time.monotonic()
    with MotoServer(tmp_path) as moto:
        answers = combination.answers
        if combination.https == "acm-route53":
            moto.client("route53").create_hosted_zone(
                Name=ROUTE53_ZONE, CallerReference=str(time.time())
            )
        if combination.https == "acm-existing":
            answers["certificate_arn"] = import_certificate(moto)
        rendered = render(answers)
        assert rendered.returncode == 0, rendered.stderr
        deployment = Deployment(copy_project(rendered, tmp_path), moto, tmp_path)
        project = deployment.project

        # The generated service, as the load balancer would reach it (SQLite, local settings).
        sync(project)
        server = Server(project, project_environment())
        try:
            server.wait_until_live(timeout=60)
            deployment.env["SMOKE_URL"] = server.base_url
            run_deploy_lifecycle(deployment, combination)
        finally:
            server.close()
            for timing in deployment.timings:
                record_property("timing", timing)
    record_property("timing", f"end to end: {time.monotonic() - started:.0f}s")


def run_deploy_lifecycle(deployment: Deployment, combination: Combination) -> None:
    moto = deployment.moto
    before = environment_resources(moto)

    doctor = deployment.make("doctor", check=False)
    assert doctor.returncode != 0
    assert "run 'make bootstrap' first" in doctor.stdout

    bootstrap = deployment.make("bootstrap", "AUTO_APPROVE=1").stdout
    assert "FAIL" not in deployment.make("doctor").stdout
    # Its state is kept in the bucket it made: from another machine (no local state), a second
    # bootstrap starts from there and finds nothing to do.
    moto.client("s3").head_object(Bucket=STATE_BUCKET, Key="bootstrap/terraform.tfstate")
    (deployment.project / "terraform" / "bootstrap" / "terraform.tfstate").unlink()
    again_elsewhere = deployment.make("bootstrap", "AUTO_APPROVE=1").stdout
    assert f"Starting from the bootstrap state saved in s3://{STATE_BUCKET}/" in again_elsewhere
    assert "0 added, 0 changed, 0 destroyed" in again_elsewhere

    # It wrote the provider lock files, which a deploy wants committed first, as both say.
    locks = "terraform/.terraform.lock.hcl terraform/bootstrap/.terraform.lock.hcl"
    assert f"git add {locks} && git commit" in bootstrap
    uncommitted = deployment.make("deploy", "ENV=staging", check=False)
    assert uncommitted.returncode != 0
    assert f"provider lock files that are not committed: git add {locks} &&" in uncommitted.stdout
    deployment.commit("Lock Terraform providers")

    # A newcomer's first look: the plan.
    deployment.make("plan", "ENV=staging")
    planned = json.loads(deployment.terraform("show", "-json", "staging.tfplan"))
    to_create = {
        change["address"]
        for change in planned["resource_changes"]
        if "create" in change["change"]["actions"] and change["mode"] == "managed"
    }

    first = deployment.make("deploy", "ENV=staging").stdout
    for step in range(1, 7):
        step_line(first, step)
    assert "built and pushed" in step_line(first, 3)
    first_commit = deployment.git("rev-parse", "HEAD").strip()
    assert f"Deployed {first_commit} to staging" in first
    assert deployment.state() >= to_create
    assert_environment_matches_options(moto, combination)
    platform = "linux/arm64" if combination.cpu_architecture == "arm64" else "linux/amd64"
    builds = deployment.container_calls("build")
    assert builds == [f"build --platform {platform} --tag {REPOSITORY_URI}:{first_commit} ."]

    again = deployment.make("deploy", "ENV=staging").stdout
    assert "already in ECR" in step_line(again, 3)
    assert step_line(again, 4).endswith("no changes"), again
    assert deployment.container_calls("build") == builds, "the second deploy built again"

    deployment.commit("A new version of the service")
    new_version = deployment.make("deploy", "ENV=staging").stdout
    assert "built and pushed" in step_line(new_version, 3)
    assert sorted(changed_resources(new_version)) == [
        "module.service.aws_ecs_service.this",
        "module.service.aws_ecs_task_definition.this",
    ], new_version
    assert rolled_out(new_version) != rolled_out(first)

    missing = deployment.make("deploy", "ENV=staging", "IMAGE_TAG=not-in-ecr", check=False)
    assert missing.returncode != 0
    assert "image tag not-in-ecr is not in ECR repository orders-api" in missing.stdout
    assert "failed at step 3/6 (image)" in missing.stdout

    rollback = deployment.make("rollback", "ENV=staging", f"IMAGE_TAG={first_commit}").stdout
    assert f"{first_commit} (given)" in step_line(rollback, 2)
    assert rolled_out(rollback) not in (rolled_out(first), rolled_out(new_version))
    assert running_images(moto) == {f"{REPOSITORY_URI}:{first_commit}"}

    # The service's logs, printed once (moto's tasks write none, the log group must exist).
    deployment.make("logs", "ENV=staging", "FOLLOW=0")

    deployment.make("destroy", "ENV=staging", "CONFIRM=staging")
    assert deployment.state() == set()
    assert environment_resources(moto) == before
