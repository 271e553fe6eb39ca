"""The generated repo's own `make bootstrap` and `make deploy`, end to end, against an emulated AWS.

Terraform really applies, against moto on loopback (harness/moto_server.py); nothing else is
faked but what has no emulator: the container engine (a stand-in CLI registers an image
manifest in moto's ECR instead of pushing layers) and the service behind the load balancer
(the smoke test is pointed, with SMOKE_URL, at the generated app started locally).

What the emulator needs and a real account does not is added here, to a copy of the project
and never to the template: `*_override.tf` files with emulator provider and backend settings,
and the endpoint in AWS_ENDPOINT_URL, which the AWS CLI and the aws provider both honour.

Three combinations cover every value of every option (staging runs one NAT gateway even with
one-per-az: the stack plans check production's one per zone; with waf, staging's tfvars turn the
firewall on, as a team trying production's rules first would). Each is bootstrapped, deployed as
the workflow deploys (publisher, then deploy role), deployed again with nothing to change, and
destroyed to nothing, with every AWS call checked against the role's policies: that is what the
options change. The rest of the delivery cycle (bootstrap from the saved state, a plan, a new
version, a tag not in ECR, a rollback, the logs) runs the same scripts whatever the options:
it runs on the first combination only.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness import containers
from harness import iam_analysis as iam
from harness.combinations import DOMAIN_NAME, ROUTE53_ZONE, Combination
from harness.moto_server import MotoServer
from harness.project import (
    MISSING_TOOLCHAIN,
    Server,
    project_environment,
    sync,
)
from harness.rendering import copy_project, render
from harness.terraform import GO_RUNTIME

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(MISSING_TOOLCHAIN is not None, reason=str(MISSING_TOOLCHAIN)),
]

E2E_COMBINATIONS = [
    Combination("postgresql", "off", "single", "arm64"),
    Combination(
        "aurora-postgresql", "acm-route53", "one-per-az", "x86_64", "yes", "yes", "yes", cdn="yes"
    ),
    Combination("none", "acm-existing", "none", "arm64"),
    Combination("dynamodb", "off", "one-per-az", "arm64", "yes", "yes", "yes"),
]
WHOLE_CYCLE = E2E_COMBINATIONS[0]
STATE_BUCKET = "orders-api-tfstate-123456789012"
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
PUBLISHER = "orders-api-image-publisher"
STAGING_DEPLOYER = "orders-api-staging-deploy"
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
# Stands in for docker. `buildx build` of linux/amd64, when podman can run here (PODMAN_BUILDS
# set), builds the real image from the project's Dockerfile with podman; its real manifest
# (docker's schema 2, gzipped layers, as buildx pushes) is what `--push` registers in the
# emulated ECR. linux/arm64 cannot be built here: it registers a synthetic manifest whose
# configuration digest comes from the committed tree and the platform, so one commit is always
# the same image, as a cached build is. Both write the metadata buildx writes; `--load` only
# builds.
FAKE_DOCKER = """\
#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$FAKE_DOCKER_LOG"
option() {
  local want=$1
  shift
  while (($#)); do
    [[ "$1" == "$want" ]] && { echo "$2"; return; }
    shift
  done
}
case "$1 ${2:-}" in
  "login "*) cat >/dev/null ;;
  "info "* | "--version ") echo "Docker version 28.0.0, build stand-in" ;;
  "buildx version") echo "github.com/docker/buildx v0.20.0 stand-in" ;;
  "buildx inspect") echo "Platforms: linux/amd64, linux/arm64" ;;
  "buildx build")
    reference=$(option --tag "$@")
    repository=${reference#*/}
    repository=${repository%:*}
    tag=${reference##*:}
    platform=$(option --platform "$@")
    if [[ "$platform" == linux/amd64 && -n "${PODMAN_BUILDS:-}" ]]; then
      # The build reaches PyPI as this machine does, not through the dead proxy of AWS clients.
      # RDS's CA bundle from where the harness serves its stand-in, when the Dockerfile fetches it.
      podman build --network host --http-proxy=false --platform "$platform" --format docker \\
        ${RDS_CA_BUNDLE_URL:+--build-arg "RDS_CA_BUNDLE_URL=$RDS_CA_BUNDLE_URL"} \\
        --tag "$reference" . >&2
      config="sha256:$(podman image inspect --format '{{.Id}}' "$reference")"
      layout=$(mktemp -d)
      podman push --quiet --compress --format v2s2 "$reference" "dir:${layout}" >&2
      manifest=$(cat "${layout}/manifest.json")
      rm -rf "$layout"
    else
      built_from="$(git rev-parse "HEAD^{tree}") ${platform}"
      config="sha256:$(printf '%s' "$built_from" | sha256sum | cut -d' ' -f1)"
      manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
      manifest+='"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,'
      manifest+="\\"digest\\":\\"${config}\\"},\\"layers\\":[]}"
    fi
    digest="sha256:$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)"
    if [[ " $* " == *" --push "* ]]; then
      aws ecr put-image --repository-name "$repository" --image-tag "$tag" \\
        --image-manifest "$manifest" >/dev/null
    fi
    printf '{\\n  "containerimage.config.digest": "%s",\\n  "containerimage.digest": "%s"\\n}\\n' \\
      "$config" "$digest" > "$(option --metadata-file "$@")"
    ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"""
# Records the AWS CLI calls the deploy scripts make (service and operation, and a waiter's
# name), then makes them. AWS CLI v1's rds commands ignore AWS_ENDPOINT_URL (they would go to
# rds.amazonaws.com): they are given the emulator's address outright.
RECORDING_AWS = """\
#!/bin/sh
case "$2" in
  wait) echo "$1 $2 $3" >> "$AWS_CALL_LOG" ;;
  *) echo "$1 $2" >> "$AWS_CALL_LOG" ;;
esac
if [ "$1" = rds ]; then set -- "$@" --endpoint-url "$AWS_ENDPOINT_URL"; fi
exec "{real_aws}" "$@"
"""


class Deployment:
    """A private copy of the generated project, a git repository, wired to the emulator."""

    def __init__(self, project: Path, moto: MotoServer, workdir: Path) -> None:
        self.project = project
        self.moto = moto
        self.timings: list[str] = []
        # The IAM actions each role's make targets needed, by role name (as_role).
        self.role_actions: dict[str, set[str]] = {}
        self.env = moto.client_env(project_environment())
        tools = workdir / "bin"
        tools.mkdir()
        (tools / "docker").write_text(FAKE_DOCKER)
        real_aws = shutil.which("aws", path=self.env["PATH"])
        assert real_aws, "the AWS CLI is not installed next to the tests"
        (tools / "aws").write_text(RECORDING_AWS.format(real_aws=real_aws))
        for tool in tools.iterdir():
            tool.chmod(0o755)
        self.docker_log = workdir / "docker.log"
        self.aws_call_log = workdir / "aws-calls.log"
        self.terraform_log = workdir / "terraform.log"
        self.env.update(
            GO_RUNTIME,
            PATH=f"{tools}{os.pathsep}{self.env['PATH']}",
            FAKE_DOCKER_LOG=str(self.docker_log),
            AWS_CALL_LOG=str(self.aws_call_log),
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
        self.git("remote", "add", "origin", "git@github.com:acme/orders-api.git")
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

    def builds(self) -> list[str]:
        """The image builds the stand-in docker received, in order."""
        if not self.docker_log.exists():
            return []
        return [
            line
            for line in self.docker_log.read_text().splitlines()
            if line.startswith("buildx build")
        ]

    def as_role(
        self, role: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """A make target run as the deploy workflow runs it with that role. The emulator cannot
        judge IAM conditions, so every AWS call it makes, through Terraform and the AWS CLI, is
        recorded instead: the test then checks the role's policies allow each one."""
        for log in (self.terraform_log, self.aws_call_log):
            log.unlink(missing_ok=True)
        # The provider's log alone names the calls; Terraform's own would cost CPU for nothing.
        self.env.update(TF_LOG_PROVIDER="debug", TF_LOG_PATH=str(self.terraform_log))
        try:
            return self.make(*args, check=check)
        finally:
            del self.env["TF_LOG_PROVIDER"], self.env["TF_LOG_PATH"]
            actions = self.role_actions.setdefault(role, set())
            actions |= iam.terraform_log_actions(self.terraform_log)
            actions |= iam.aws_cli_log_actions(self.aws_call_log)

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


def image_tags(moto: MotoServer, digest: str) -> list[str]:
    (image,) = moto.client("ecr").describe_images(
        repositoryName="orders-api", imageIds=[{"imageDigest": digest}]
    )["imageDetails"]
    return sorted(image["imageTags"], key=lambda tag: tag.startswith("deployed-"))


def role_policies(moto: MotoServer, role: str) -> dict[str, str]:
    """Every policy of a role, as bootstrap applied it: managed and inline, by name."""
    client = moto.client("iam")
    policies = {}
    for attached in client.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        policy = client.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        version = client.get_policy_version(
            PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
        policies[attached["PolicyName"]] = json.dumps(version["Document"])
    for name in client.list_role_policies(RoleName=role)["PolicyNames"]:
        document = client.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        policies[name] = json.dumps(document)
    return policies


def changed_resources(deploy_output: str) -> list[str]:
    """The resource lines `make deploy` prints under its terraform step."""
    return re.findall(r"^ {8}(\S+) (?:will be|must be)", deploy_output, flags=re.MULTILINE)


def step_line(deploy_output: str, step: int) -> str:
    match = re.search(rf"^\[{step}/8\] .*$", deploy_output, flags=re.MULTILINE)
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
        "firewall log groups": len(
            moto.client("logs").describe_log_groups(logGroupNamePrefix="aws-waf-logs-")["logGroups"]
        ),
        "web ACLs": sum(
            len(moto.client("wafv2").list_web_acls(Scope=scope)["WebACLs"])
            for scope in ("REGIONAL", "CLOUDFRONT")
        ),
        "distributions": len(
            moto.client("cloudfront").list_distributions()["DistributionList"].get("Items", [])
        ),
        "event buses": len(
            moto.client("events").list_event_buses(NamePrefix="orders-api-")["EventBuses"]
        ),
        "event archives": len(moto.client("events").list_archives()["Archives"]),
        "queues": len(moto.client("sqs").list_queues().get("QueueUrls", [])),
        "asset buckets": len(
            [
                bucket
                for bucket in moto.client("s3").list_buckets()["Buckets"]
                if "-assets-" in bucket["Name"]
            ]
        ),
        "event log groups": len(
            moto.client("logs").describe_log_groups(logGroupNamePrefix="/aws/events/")["logGroups"]
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
    assert resources["DB instances"] == (1 if "postgresql" in combination.database else 0)
    assert resources["DB clusters"] == (1 if combination.database == "aurora-postgresql" else 0)

    elbv2 = moto.client("elbv2")
    balancer = elbv2.describe_load_balancers()["LoadBalancers"][0]
    ports = {
        listener["Port"]
        for listener in elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])[
            "Listeners"
        ]
    }
    if combination.cdn == "yes":
        # Only CloudFront reaches the load balancer: nothing to redirect on port 80.
        assert ports == ({80} if combination.https == "off" else {443})
    else:
        assert ports == ({80} if combination.https == "off" else {80, 443})
    assert_cdn_matches_options(moto, combination, balancer)
    assert_firewall_matches_options(moto, combination, balancer["LoadBalancerArn"])
    assert_events_match_options(moto, combination)
    assert_object_storage_matches_options(moto, combination)

    service = moto.client("ecs").describe_services(
        cluster="orders-api-staging", services=["orders-api-staging"]
    )["services"][0]
    assert service["status"] == "ACTIVE"
    # The alarms, the topic they notify, and the release-health ones the deployments watch.
    release_health = ["orders-api-staging-load-balancer-5xx", "orders-api-staging-target-5xx"]
    assert service["deploymentConfiguration"]["alarms"] == {
        "alarmNames": release_health,
        "enable": True,
        "rollback": True,
    }
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:orders-api-staging-alarms"
    attributes = moto.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["KmsMasterKeyId"].startswith(f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/")
    alarms = moto.client("cloudwatch").describe_alarms(AlarmNamePrefix="orders-api-staging-")
    names = {alarm["AlarmName"] for alarm in alarms["MetricAlarms"]}
    assert set(release_health) <= names
    expected = {"p99-response-time", "unhealthy-targets", "tasks-below-desired", "cpu", "memory"}
    assert {f"orders-api-staging-{name}" for name in expected} <= names
    if "postgresql" in combination.database:
        assert "orders-api-staging-database-cpu" in names
    if combination.database == "dynamodb":
        assert "orders-api-staging-table-throttled" in names
    assert all(alarm["AlarmActions"] == [topic] for alarm in alarms["MetricAlarms"])
    task_definition = moto.client("ecs").describe_task_definition(
        taskDefinition=service["taskDefinition"]
    )["taskDefinition"]
    architecture = {"arm64": "ARM64", "x86_64": "X86_64"}[combination.cpu_architecture]
    assert task_definition["runtimePlatform"]["cpuArchitecture"] == architecture
    containers = {container["name"] for container in task_definition["containerDefinitions"]}
    assert ("migrate" in containers) == ("postgresql" in combination.database)
    assert_table_matches_options(moto, combination, task_definition)
    # ECS Exec, on in staging: sessions encrypted with the environment's key, logged apart.
    assert service["enableExecuteCommand"] is True
    (cluster,) = moto.client("ecs").describe_clusters(clusters=["orders-api-staging"])["clusters"]
    sessions = cluster["configuration"]["executeCommandConfiguration"]
    assert sessions["kmsKeyId"] == attributes["KmsMasterKeyId"]
    assert sessions["logConfiguration"] == {
        "cloudWatchLogGroupName": "/ecs/orders-api-staging/exec-sessions",
        "cloudWatchEncryptionEnabled": True,
    }


def assert_table_matches_options(
    moto: MotoServer, combination: Combination, task_definition: dict[str, Any]
) -> None:
    """With dynamodb, the items table: on demand, the environment's key, point-in-time
    recovery, named to the app; staging's without deletion protection."""
    tables = moto.client("dynamodb").list_tables()["TableNames"]
    if combination.database != "dynamodb":
        assert tables == []
        return
    assert tables == ["orders-api-staging-items"]
    dynamodb = moto.client("dynamodb")
    table = dynamodb.describe_table(TableName="orders-api-staging-items")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["SSEDescription"]["SSEType"] == "KMS"
    assert table["SSEDescription"]["KMSMasterKeyArn"].startswith(
        f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/"
    )
    assert table["DeletionProtectionEnabled"] is False
    backups = dynamodb.describe_continuous_backups(TableName="orders-api-staging-items")
    recovery = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert recovery["PointInTimeRecoveryStatus"] == "ENABLED"
    (app,) = [c for c in task_definition["containerDefinitions"] if c["name"] == "app"]
    environment = {variable["name"]: variable["value"] for variable in app["environment"]}
    assert environment["ITEMS_TABLE"] == "orders-api-staging-items"


def assert_cdn_matches_options(
    moto: MotoServer, combination: Combination, balancer: dict[str, Any]
) -> None:
    """With cdn, CloudFront sends every request to the load balancer with the origin secret;
    the load balancer admits CloudFront's addresses only and forwards only with the secret."""
    distributions = moto.client("cloudfront").list_distributions()["DistributionList"]
    if combination.cdn == "no":
        assert distributions.get("Items", []) == []
        return
    (summary,) = distributions["Items"]
    config = moto.client("cloudfront").get_distribution_config(Id=summary["Id"])
    config = config["DistributionConfig"]
    (origin,) = config["Origins"]["Items"]
    assert origin["DomainName"] == balancer["DNSName"]
    (header,) = origin["CustomHeaders"]["Items"]
    assert header["HeaderName"] == "X-Origin-Secret"
    assert re.fullmatch(r"[0-9a-f]{64}", header["HeaderValue"])
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["CachePolicyId"] == "4cc15a8a-d715-48a4-82b8-cc0b614638fe"
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    if combination.https != "off":
        assert config["Aliases"]["Items"] == [f"staging.{DOMAIN_NAME}"]
        assert config["ViewerCertificate"]["ACMCertificateArn"].startswith(
            f"arn:aws:acm:us-east-1:{ACCOUNT_ID}:certificate/"
        )

    elbv2, ec2 = moto.client("elbv2"), moto.client("ec2")
    (listener,) = elbv2.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
    (default,) = listener["DefaultActions"]
    assert default["Type"] == "fixed-response"
    assert default["FixedResponseConfig"]["StatusCode"] == "403"
    rules = elbv2.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    (rule,) = [rule for rule in rules if not rule["IsDefault"]]
    (condition,) = rule["Conditions"]
    assert condition["HttpHeaderConfig"]["HttpHeaderName"] == "X-Origin-Secret"
    assert header["HeaderValue"] in condition["HttpHeaderConfig"]["Values"]
    assert rule["Actions"][0]["Type"] == "forward"
    cloudfront_addresses = "com.amazonaws.global.cloudfront.origin-facing"
    (prefix_list,) = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [cloudfront_addresses]}]
    )["PrefixLists"]
    (group_id,) = balancer["SecurityGroups"]
    ingress = [
        rule
        for rule in ec2.describe_security_group_rules(
            Filters=[{"Name": "group-id", "Values": [group_id]}]
        )["SecurityGroupRules"]
        if not rule["IsEgress"]
    ]
    assert [(rule.get("PrefixListId"), rule.get("CidrIpv4")) for rule in ingress] == [
        (prefix_list["PrefixListId"], None)
    ]
    if combination.https == "acm-route53":
        zone_id = moto.client("route53").list_hosted_zones_by_name(DNSName=ROUTE53_ZONE)[
            "HostedZones"
        ][0]["Id"]
        records = moto.client("route53").list_resource_record_sets(HostedZoneId=zone_id)
        aliases = {
            record["Type"]: record["AliasTarget"]["DNSName"].rstrip(".")
            for record in records["ResourceRecordSets"]
            if record["Name"].rstrip(".") == f"staging.{DOMAIN_NAME}" and "AliasTarget" in record
        }
        assert aliases == {"A": summary["DomainName"], "AAAA": summary["DomainName"]}


def assert_firewall_matches_options(
    moto: MotoServer, combination: Combination, load_balancer_arn: str
) -> None:
    """With waf (on in staging here), the web ACL guards the load balancer and logs what it
    blocks to its encrypted group, which bootstrap's resource policy opens to log delivery."""
    wafv2, logs = moto.client("wafv2"), moto.client("logs")
    guard = wafv2.get_web_acl_for_resource(ResourceArn=load_balancer_arn).get("WebACL")
    if combination.waf == "no":
        assert guard is None
        return
    if combination.cdn == "yes":
        # In front of CloudFront instead, at its scope (us-east-1, where REGION is here too).
        assert guard is None
        (summary,) = wafv2.list_web_acls(Scope="CLOUDFRONT")["WebACLs"]
        (distribution,) = moto.client("cloudfront").list_distributions()["DistributionList"][
            "Items"
        ]
        assert distribution["WebACLId"] == summary["ARN"]
        assert ":global/webacl/orders-api-staging/" in summary["ARN"]
        guard = wafv2.get_web_acl(Name=summary["Name"], Scope="CLOUDFRONT", Id=summary["Id"])[
            "WebACL"
        ]
    assert guard["Name"] == "orders-api-staging"
    assert {rule["Name"] for rule in guard["Rules"]} == {
        "rate-limit-per-client",
        "body-size-limit",
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesCommonRuleSet",
    }
    logging = wafv2.get_logging_configuration(ResourceArn=guard["ARN"])["LoggingConfiguration"]
    (destination,) = logging["LogDestinationConfigs"]
    assert destination.endswith(":log-group:aws-waf-logs-orders-api-staging")
    (group,) = logs.describe_log_groups(logGroupNamePrefix="aws-waf-logs-")["logGroups"]
    assert group["kmsKeyId"].startswith(f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:key/")
    policies = logs.describe_resource_policies()["resourcePolicies"]
    (delivery,) = [p for p in policies if p["policyName"] == "orders-api-waf-logs"]
    (statement,) = json.loads(delivery["policyDocument"])["Statement"]
    assert sorted(statement["Resource"]) == [
        f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:aws-waf-logs-orders-api-{environment}"
        ":log-stream:*"
        for environment in ("production", "staging")
    ]


def assert_events_match_options(moto: MotoServer, combination: Combination) -> None:
    """With events, staging's bus (encrypted with the environment's key, dead letters to its
    queue), its archive, the rule copying the events to the encrypted event log, and bootstrap's
    resource policy letting EventBridge write there; the app told where to publish."""
    events, logs = moto.client("events"), moto.client("logs")
    buses = events.list_event_buses(NamePrefix="orders-api-")["EventBuses"]
    if combination.events == "no":
        assert buses == []
        return
    (bus,) = buses
    assert bus["Name"] == "orders-api-staging"
    described = events.describe_event_bus(Name=bus["Name"])
    key = moto.client("sns").get_topic_attributes(
        TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:orders-api-staging-alarms"
    )["Attributes"]["KmsMasterKeyId"]
    assert described["KmsKeyIdentifier"] == key
    queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:orders-api-staging-events-dead-letters"
    assert described["DeadLetterConfig"] == {"Arn": queue_arn}
    (archive,) = events.list_archives()["Archives"]
    assert (archive["ArchiveName"], archive["EventSourceArn"]) == ("orders-api-staging", bus["Arn"])
    # Beside the archive's own rule, which EventBridge makes and names.
    rules = {rule["Name"]: rule for rule in events.list_rules(EventBusName=bus["Name"])["Rules"]}
    rule = rules["orders-api-staging-event-log"]
    (target,) = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus["Name"])["Targets"]
    assert target["Arn"].endswith(":log-group:/aws/events/orders-api-staging")
    assert target["DeadLetterConfig"] == {"Arn": queue_arn}
    (group,) = logs.describe_log_groups(logGroupNamePrefix="/aws/events/")["logGroups"]
    assert group["kmsKeyId"] == key
    policies = logs.describe_resource_policies()["resourcePolicies"]
    (delivery,) = [p for p in policies if p["policyName"] == "orders-api-event-logs"]
    # Staging's log from staging's rule: the statement that names one names the other.
    (statement,) = [
        statement
        for statement in json.loads(delivery["policyDocument"])["Statement"]
        if statement["Resource"] == f"{group['arn'].removesuffix(':*')}:log-stream:*"
    ]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == rule["Arn"]
    ecs = moto.client("ecs")
    (service,) = ecs.describe_services(
        cluster="orders-api-staging", services=["orders-api-staging"]
    )["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    (app,) = [c for c in definition["taskDefinition"]["containerDefinitions"] if c["name"] == "app"]
    assert {"name": "EVENT_BUS_ARN", "value": bus["Arn"]} in app["environment"]


def assert_object_storage_matches_options(moto: MotoServer, combination: Combination) -> None:
    """With object_storage, staging's bucket of the items' files: private, encrypted with the
    environment's key, versioned, TLS only; the app told its name."""
    s3 = moto.client("s3")
    bucket = f"orders-api-staging-assets-{ACCOUNT_ID}"
    names = {found["Name"] for found in s3.list_buckets()["Buckets"]}
    if combination.object_storage == "no":
        assert not any("-assets-" in name for name in names)
        return
    assert bucket in names
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    key = moto.client("sns").get_topic_attributes(
        TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:orders-api-staging-alarms"
    )["Attributes"]["KmsMasterKeyId"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key,
    }
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (statement,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    ecs = moto.client("ecs")
    (service,) = ecs.describe_services(
        cluster="orders-api-staging", services=["orders-api-staging"]
    )["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    (app,) = [c for c in definition["taskDefinition"]["containerDefinitions"] if c["name"] == "app"]
    assert {"name": "ASSETS_BUCKET", "value": bucket} in app["environment"]


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
        real_image = combination.cpu_architecture == "x86_64" and use_podman(deployment)

        # The generated service, as the load balancer would reach it (SQLite, local settings;
        # with DynamoDB, the table the deploy makes, on the emulated AWS).
        sync(project)
        server = Server(project, project_environment(**deployed_table(combination, moto)))
        try:
            server.wait_until_live(timeout=60)
            deployment.env["SMOKE_URL"] = server.base_url
            run_deploy_lifecycle(deployment, combination, real_image)
        finally:
            server.close()
            if real_image:
                containers.remove_images(REPOSITORY_URI)
            for timing in deployment.timings:
                record_property("timing", timing)
    record_property("timing", f"end to end: {time.monotonic() - started:.0f}s")


def deployed_table(combination: Combination, moto: MotoServer) -> dict[str, str]:
    if combination.database != "dynamodb":
        return {}
    names = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")
    endpoint = {name: value for name, value in moto.client_env({}).items() if name in names}
    return {**endpoint, "ITEMS_TABLE": "orders-api-staging-items"}


def use_podman(deployment: Deployment) -> bool:
    """Let the docker stand-in build the real image with podman, if podman can run here."""
    missing = containers.missing_podman()
    if missing is not None:
        warnings.warn(f"the linux/amd64 image is synthetic: {missing}", stacklevel=2)
        return False
    containers.ensure_base_image(containers.base_image_name(deployment.project / "Dockerfile"))
    deployment.env.update(
        PODMAN_BUILDS="1",
        CONTAINERS_CONF=str(containers.containers_conf()),
        RDS_CA_BUNDLE_URL=containers.stand_in_rds_ca_bundle_url(),
    )
    return True


def pushed_manifest(moto: MotoServer, digest: str) -> dict[str, object]:
    (image,) = moto.client("ecr").batch_get_image(
        repositoryName="orders-api", imageIds=[{"imageDigest": digest}]
    )["images"]
    return json.loads(image["imageManifest"])


def run_deploy_lifecycle(
    deployment: Deployment, combination: Combination, real_image: bool
) -> None:
    moto = deployment.moto
    before = environment_resources(moto)

    doctor = deployment.make("doctor", check=False)
    assert doctor.returncode != 0
    assert "run 'make bootstrap' first" in doctor.stdout

    bootstrap = deployment.make("bootstrap", "AUTO_APPROVE=1").stdout
    assert "FAIL" not in deployment.make("doctor").stdout
    # It wrote the provider lock files, which a deploy wants committed first, as both say.
    locks = "terraform/.terraform.lock.hcl terraform/bootstrap/.terraform.lock.hcl"
    assert f"git add {locks} && git commit" in bootstrap
    if combination == WHOLE_CYCLE:
        bootstrap_again_elsewhere(deployment)
        uncommitted = deployment.make("deploy", "ENV=staging", check=False)
        assert uncommitted.returncode != 0
        assert (
            f"provider lock files that are not committed: git add {locks} &&" in uncommitted.stdout
        )
    deployment.commit("Lock Terraform providers")
    if combination.waf == "yes":
        staging = deployment.project / "terraform" / "environments" / "staging.tfvars"
        staging.write_text(staging.read_text() + "\nwaf_enabled = true\n")
        deployment.commit("Try the firewall in staging")

    digest, first = first_deploy(deployment, combination, real_image)

    # From a laptop with an administrator's credentials: the commit is in ECR, nothing is built,
    # nothing changes.
    builds = deployment.builds()
    again = deployment.make("deploy", "ENV=staging").stdout
    first_commit = deployment.git("rev-parse", "HEAD").strip()
    assert step_line(again, 3).endswith(
        f"{REPOSITORY_URI}:{first_commit} = {REPOSITORY_URI}@{digest}"
    )
    assert step_line(again, 4).endswith("no changes"), again
    assert deployment.builds() == builds, "the second deploy built again"

    if combination == WHOLE_CYCLE:
        pause_and_resume(deployment)
        new_version_missing_tag_and_rollback(deployment, digest, first)
        # The service's logs, printed once (moto's tasks write none, the log group must exist).
        deployment.as_role(STAGING_DEPLOYER, "logs", "ENV=staging", "FOLLOW=0")

    deployment.as_role(STAGING_DEPLOYER, "destroy", "ENV=staging", "CONFIRM=staging")
    assert deployment.state() == set()
    assert environment_resources(moto) == before

    # Every call the roles made is one their policies allow, with conditions that apply to it.
    # (The calls were read from the logs: a deploy's own calls among them shows the reading works.)
    assert {"ecs:RegisterTaskDefinition", "ecs:DescribeServices"} <= deployment.role_actions[
        STAGING_DEPLOYER
    ], deployment.role_actions
    for role, actions in deployment.role_actions.items():
        policies = role_policies(moto, role)
        assert iam.ungranted_actions(policies, actions, ACCOUNT_ID, REGION) == [], role


def bootstrap_again_elsewhere(deployment: Deployment) -> None:
    """Bootstrap's state is kept in the bucket it made: from another machine (no local state), a
    second bootstrap starts from there and finds nothing to do."""
    deployment.moto.client("s3").head_object(Bucket=STATE_BUCKET, Key="bootstrap/terraform.tfstate")
    (deployment.project / "terraform" / "bootstrap" / "terraform.tfstate").unlink()
    again_elsewhere = deployment.make("bootstrap", "AUTO_APPROVE=1").stdout
    assert f"Starting from the bootstrap state saved in s3://{STATE_BUCKET}/" in again_elsewhere
    assert "0 added, 0 changed, 0 destroyed" in again_elsewhere


def first_deploy(
    deployment: Deployment, combination: Combination, real_image: bool
) -> tuple[str, str]:
    """The first deploy as the workflow makes it: the publisher builds and pushes, the deploy
    role deploys that digest (and may not tag images), the publisher records the deploy. Returns
    the digest and the deploy's output."""
    moto = deployment.moto
    # A newcomer's first look: the plan.
    deployment.make("plan", "ENV=staging")
    planned = json.loads(deployment.terraform("show", "-json", "staging.tfplan"))
    to_create = {
        change["address"]
        for change in planned["resource_changes"]
        if "create" in change["change"]["actions"] and change["mode"] == "managed"
    }

    published = deployment.as_role(PUBLISHER, "publish")
    digest = published.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), published.stdout
    if real_image:
        manifest = pushed_manifest(moto, digest)
        assert manifest["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
        assert len(manifest["layers"]) > 1, manifest
    first = deployment.as_role(
        STAGING_DEPLOYER, "deploy", "ENV=staging", f"IMAGE_DIGEST={digest}", "MARK_DEPLOYED=0"
    ).stdout
    for step in range(1, 9):
        step_line(first, step)
    assert f"Deployed {digest} to staging" in first
    assert deployment.state() >= to_create
    assert_environment_matches_options(moto, combination)
    assert running_images(moto) == {f"{REPOSITORY_URI}@{digest}"}
    first_commit = deployment.git("rev-parse", "HEAD").strip()
    assert_deployed_version_is_reported(deployment, f"{first_commit}@{digest}")
    deployment.as_role(PUBLISHER, "record-deploy", "ENV=staging", f"IMAGE_DIGEST={digest}")
    assert image_tags(moto, digest)[0] == first_commit
    assert re.fullmatch(r"deployed-staging-\d{8}T\d{6}Z", image_tags(moto, digest)[1])
    platform = "linux/arm64" if combination.cpu_architecture == "arm64" else "linux/amd64"
    builds = deployment.builds()
    assert (
        len(builds) == 1
        and f"--platform {platform} " in builds[0]
        and builds[0].endswith(" --push .")
    )
    return digest, first


def assert_deployed_version_is_reported(deployment: Deployment, version: str) -> None:
    """The task definition gives the app the deployed commit and digest, and the app, started
    with the task's APP_VERSION, reports them on GET /info; ECS runs the image's health probe."""
    ecs = deployment.moto.client("ecs")
    (service,) = ecs.describe_services(
        cluster="orders-api-staging", services=["orders-api-staging"]
    )["services"]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])
    (app,) = [c for c in definition["taskDefinition"]["containerDefinitions"] if c["name"] == "app"]
    environment = {variable["name"]: variable["value"] for variable in app["environment"]}
    assert environment["APP_VERSION"] == version
    assert app["healthCheck"]["command"] == ["CMD", "python", "-m", "orders_api.health_probe"]
    server = Server(deployment.project, project_environment(APP_VERSION=version))
    try:
        server.wait_until_live(timeout=60)
        assert httpx.get(f"{server.base_url}/info", timeout=5).json()["version"] == version
    finally:
        server.close()


def scaling_of_staging(moto: MotoServer) -> tuple[int, int, bool]:
    """The staging service's autoscaling range, and whether its schedules are suspended."""
    (target,) = moto.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=["service/orders-api-staging/orders-api-staging"]
    )["ScalableTargets"]
    suspended = target.get("SuspendedState", {}).get("ScheduledScalingSuspended", False)
    return target["MinCapacity"], target["MaxCapacity"], suspended


def pause_and_resume(deployment: Deployment) -> None:
    """make pause holds the tasks at zero through autoscaling (its office hours held too) and
    stops the database; a deploy refuses the paused environment; make resume undoes it all.
    Both run twice to the same end."""
    moto = deployment.moto
    actions = moto.client("application-autoscaling").describe_scheduled_actions(
        ServiceNamespace="ecs", ResourceId="service/orders-api-staging/orders-api-staging"
    )["ScheduledActions"]
    schedules = {action["ScheduledActionName"]: action["Schedule"] for action in actions}
    assert schedules == {
        "orders-api-staging-office-hours-start": "cron(0 8 ? * MON-FRI *)",
        "orders-api-staging-office-hours-stop": "cron(0 20 ? * MON-FRI *)",
    }
    rds = moto.client("rds")

    def database_status() -> str:
        (instance,) = rds.describe_db_instances(DBInstanceIdentifier="orders-api-staging")[
            "DBInstances"
        ]
        return instance["DBInstanceStatus"]

    for _ in range(2):
        paused = deployment.as_role(STAGING_DEPLOYER, "pause", "ENV=staging").stdout
        assert scaling_of_staging(moto) == (0, 0, True)
        (service,) = moto.client("ecs").describe_services(
            cluster="orders-api-staging", services=["orders-api-staging"]
        )["services"]
        assert service["desiredCount"] == 0
        assert database_status() == "stopped"
    assert "staging, paused (make pause), per month:" in paused
    refused = deployment.make("deploy", "ENV=staging", check=False)
    assert refused.returncode != 0
    assert "staging is paused (make pause): run 'make resume ENV=staging' first" in refused.stdout

    for _ in range(2):
        deployment.as_role(STAGING_DEPLOYER, "resume", "ENV=staging")
        assert scaling_of_staging(moto) == (1, 2, False)
        assert database_status() == "available"
    again = deployment.make("deploy", "ENV=staging").stdout
    assert step_line(again, 4).endswith("no changes"), again


def new_version_missing_tag_and_rollback(deployment: Deployment, digest: str, first: str) -> None:
    first_commit = deployment.git("rev-parse", "HEAD").strip()
    with (deployment.project / "README.md").open("a") as readme:
        readme.write("\nA new version of the service.\n")
    deployment.commit("A new version of the service")
    new_version = deployment.make("deploy", "ENV=staging").stdout
    assert len(deployment.builds()) == 2
    assert sorted(changed_resources(new_version)) == [
        "module.service.aws_ecs_service.this",
        "module.service.aws_ecs_task_definition.this",
    ], new_version
    assert rolled_out(new_version) != rolled_out(first)

    missing = deployment.make("deploy", "ENV=staging", "IMAGE_TAG=not-in-ecr", check=False)
    assert missing.returncode != 0
    assert "image tag not-in-ecr is not in ECR repository orders-api" in missing.stdout
    assert "failed at step 3/8 (image)" in missing.stdout

    rollback = deployment.make("rollback", "ENV=staging", f"IMAGE_TAG={first_commit}").stdout
    assert f"{first_commit} (given)" in step_line(rollback, 2)
    assert rolled_out(rollback) not in (rolled_out(first), rolled_out(new_version))
    assert running_images(deployment.moto) == {f"{REPOSITORY_URI}@{digest}"}
