"""The IAM of a generated project, read from its plans as an attacker and as AWS would read it.

Bootstrap's policies (deploy roles, image publisher, workload boundary, trust policies) come
from its offline plan, the stack's role policies from the stack plans: the policies fully
resolved, as IAM will store them. Each property is a check that returns its problems; every
check is also run on a copy of the policies with the weakness it guards against put back in,
and must then complain (the mutations at the end).

The bootstrap policies depend on the database and https answers only: one combination per
pair covers them.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tftest import TerraformPlanOutput

from harness import ecr_lifecycle
from harness import iam_analysis as iam
from harness.combinations import DATABASES, DOMAIN_NAME, PAIRWISE, Combination, distinct_trees
from harness.rendering import render
from harness.terraform import (
    BOOTSTRAP_DEFAULT_RUN,
    ENVIRONMENTS,
    TEST_ACCOUNT_ID,
    ToolMissing,
    check_bootstrap,
    check_root,
    checkov_binary,
    checkov_plan_scan,
    terraform_ready,
)
from hooks.post_gen_project import SQL_DATABASES

PROJECT = "orders-api"
REPOSITORY = "acme/orders-api"
REGION = "us-east-1"
KEY = f"arn:aws:kms:{REGION}:{TEST_ACCOUNT_ID}:key/*"
ECR = f"arn:aws:ecr:{REGION}:{TEST_ACCOUNT_ID}:repository"
# Where the policies are written: each distinct content of these in the pairwise sample is
# analysed once (the environments' sizes and the root variables' defaults grant nothing).
POLICY_SOURCES = (
    "terraform/bootstrap", "terraform/modules", "terraform/main.tf", "terraform/kms.tf",
    "terraform/outputs.tf", "terraform/providers.tf",
)  # fmt: skip
COMBINATIONS = distinct_trees(PAIRWISE, POLICY_SOURCES)
by_combination = pytest.mark.parametrize("combination", COMBINATIONS, ids=lambda c: c.id)

# What pushing an image takes: none of it is a deploy role's.
PUSH_ACTIONS = {
    "ecr:CompleteLayerUpload",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
}
# What would let a role make itself, or a role it creates, more powerful, or outlive a deploy.
IDENTITY_ACTIONS = {
    "iam:AttachRolePolicy",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:CreateRole",
    "iam:CreateUser",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:UpdateAssumeRolePolicy",
}
ACCOUNT_SETTINGS = {
    "ec2:DisableEbsEncryptionByDefault",
    "ec2:DisableImageBlockPublicAccess",
    "ec2:DisableSnapshotBlockPublicAccess",
    "ec2:RunInstances",
    "ecs:PutAccountSettingDefault",
    "logs:PutAccountPolicy",
}
# What would hand a copy of the environment's data to another account.
SHARING = {
    "ec2:ModifyImageAttribute",
    "ec2:ModifySnapshotAttribute",
    "rds:ModifyDBClusterSnapshotAttribute",
    "rds:ModifyDBSnapshotAttribute",
}
# Tagging what bootstrap created would move it into an environment (or out of one).
BOOTSTRAP_TAGGING = {
    "ecr:TagResource",
    "ecr:UntagResource",
    "iam:TagOpenIDConnectProvider",
    "iam:TagPolicy",
    "iam:TagRole",
    "iam:UntagOpenIDConnectProvider",
    "iam:UntagPolicy",
    "iam:UntagRole",
}
# The state bucket's tags: denied on it by name (an environment's own bucket is its stack's).
STATE_BUCKET_TAGGING = "s3:PutBucketTagging"
ALIAS_ACTIONS = {"kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"}
# Session Manager's data keys carry their session in this encryption context key.
SESSION_CONTEXT = "kms:EncryptionContext:aws:ssm:SessionId"
# Who may assume each kind of workload role bootstrap creates, within this account only.
WORKLOAD_PRINCIPALS = {
    "task-execution": "ecs-tasks.amazonaws.com",
    "task": "ecs-tasks.amazonaws.com",
    "vpc-flow-logs": "vpc-flow-logs.amazonaws.com",
    "rds-monitoring": "monitoring.rds.amazonaws.com",
}
# Write actions the deploy roles hold without their environment's tag or name, each harmless.
# The same reasons stand next to the statements in terraform/bootstrap/deploy_*.tf.
UNSCOPED_WRITES = {
    "DeregisterTaskDefinitionRevisions": "ECS has no resource-level permission for it, and it only "
    "marks a revision inactive: what runs keeps running",
    "CreateServiceLinkedRolesOnFirstUse": "AWS-owned roles, held to the services the stack uses",
    "LetRdsCreateThePasswordSecret": "a new secret named rds!..., which has no tags yet",
    "UseTheEnginesDefaultOptionGroup": "AWS's default option group, shared and untaggable",
    "EncryptTheStateWithTheSharedKey": "the shared key, known by its alias, used through S3 for "
    "the environment's own state; the guardrails deny everything else on it",
    "ReadAndEndSubscriptionsByTheirArn": "SNS has no resource-level permission for them; a "
    "subscription's ARN holds a random id that only its topic's listing reveals, and the role "
    "may list its own topic only",
    "LetWafSetTheWebAclOfTheLoadBalancer": "a permission WAF checks inside AssociateWebACL, with "
    "no API of its own; that call is held to the environment's web ACL and load balancer",
    "HandTheFirewallLogsToLogDelivery": "CloudWatch Logs' log delivery has no resource-level "
    "permission; it writes only where a resource policy lets it, and the firewall's is "
    "bootstrap's (the guardrails deny logs:PutResourcePolicy)",
}
# What cloudsplaining reports when it flags everything (statements with conditions and with
# resource ARNs too), and why each is what it must be. A new finding, or a stale reason, fails.
EXPLAINED_FINDINGS = {
    ("publisher", "credentials exposure", "ecr:GetAuthorizationToken"): "a registry login, "
    "worth no more than the role's own ECR permissions: push to the two repositories",
    ("state", "data exfiltration", "s3:GetObject"): "the environment's own state (<env>/*)",
    ("network", "resource exposure", "iam:PassRole"): "the flow logs role, to VPC Flow Logs only",
    ("service", "resource exposure", "iam:PassRole"): "the task roles, to ECS tasks only",
    ("service", "resource exposure", "iam:PutRolePolicy"): "the environment's workload roles, "
    "whose boundary caps any policy",
    ("service", "resource exposure", "iam:DeleteRolePolicy"): "the same roles",
    ("service", "resource exposure", "iam:CreateServiceLinkedRole"): "AWS-owned roles of the "
    "stack's services",
    ("service", "resource exposure", "kms:PutKeyPolicy"): "the environment's own key (its tag)",
    ("service", "privilege escalation", "PutRolePolicy"): "on workload roles only, which the "
    "boundary caps at logs, image pulls, the environment's secrets, a login as its database "
    "role and answering its shell sessions: no IAM, nothing of the deploy role's",
    ("service", "privilege escalation", "PassExistingRoleToNewECSService"): "the same roles",
    ("service", "privilege escalation", "PassExistingRoleToNewECSClusterServiceTask"): "the "
    "same roles",
    ("database", "resource exposure", "iam:PassRole"): "the monitoring role, to RDS only",
    ("boundary", "resource exposure", "rds-db:connect"): "a database login as the "
    "environment's own role only (dbuser:*/<project>_<environment>), which holds its tables' "
    "rows and no DDL; another environment's database has no such role",
    ("database", "resource exposure", "kms:CreateGrant"): "the environment's key, for RDS and "
    "Secrets Manager only",
    ("shell", "data exfiltration", "s3:GetObject"): "the environment's own state (<env>/*), "
    "for make shell to find its cluster",
    ("shell", "privilege escalation", "ECSExecuteCommandOnRunningTask"): "the point of the "
    "policy: a shell in the app container of the environment's own tasks, for the people it is "
    "attached to; the task role's boundary caps what that shell can reach",
    ("monitoring", "resource exposure", "sns:CreateTopic"): "the environment's alarm topic, by "
    "its name and with its tag (CreateTopic can set the topic's policy)",
    ("monitoring", "resource exposure", "sns:SetTopicAttributes"): "the environment's alarm "
    "topic only, whose policy lets its own alarms and budget publish",
    ("events", "resource exposure", "sqs:CreateQueue"): "the environment's dead-letter queue, "
    "by its name and with its tag (CreateQueue can set the queue's policy)",
    ("events", "resource exposure", "sqs:SetQueueAttributes"): "the environment's dead-letter "
    "queue only, whose policy takes messages from its own bus and rule",
    ("storage", "resource exposure", "s3:PutBucketPolicy"): "the environment's bucket of the "
    "items' files only, whose policy refuses anything but TLS; its public access block stops a "
    "public policy",
    ("storage", "resource exposure", "s3:DeleteBucketPolicy"): "the same bucket",
    ("storage", "resource exposure", "s3:PutBucketPublicAccessBlock"): "the same bucket, whose "
    "block the stack turns fully on",
    ("storage", "resource exposure", "s3:PutBucketOwnershipControls"): "the same bucket, whose "
    "objects the stack makes its own (no ACLs)",
}


@pytest.fixture(scope="session", autouse=True)
def terraform_available() -> None:
    try:
        terraform_ready()
    except ToolMissing as missing:
        pytest.skip(str(missing))


@dataclass
class Iam:
    """Every policy of one project: by role, then by name."""

    deploy: dict[str, dict[str, str]] = field(default_factory=dict)  # env -> concern -> policy
    boundary: dict[str, str] = field(default_factory=dict)  # env -> policy
    publisher: str = ""
    trust: dict[str, str] = field(default_factory=dict)  # role -> trust policy
    lifecycle: dict[str, Any] = field(default_factory=dict)
    stack: dict[str, dict[str, str]] = field(default_factory=dict)  # env -> policy -> document
    key: dict[str, str] = field(default_factory=dict)  # env -> the environment key's policy
    shell: dict[str, str] = field(default_factory=dict)  # env -> who may open a shell there

    def deploy_policies(self, environment: str) -> dict[str, str]:
        return {
            f"{environment}/{name}": policy for name, policy in self.deploy[environment].items()
        }


def bootstrap_iam(combination: Combination) -> Iam:
    rendered = render(combination.answers)
    assert rendered.returncode == 0, rendered.stderr
    result = check_bootstrap(rendered)
    assert result.step("test").ok, result.report()
    found = Iam()
    for change in result.run_plan(BOOTSTRAP_DEFAULT_RUN).resource_changes.values():
        after = change["change"]["after"]
        key = change.get("index")
        if change["type"] == "aws_iam_policy" and change["name"] == "deploy":
            environment, concern = key.split("/")
            found.deploy.setdefault(environment, {})[concern] = after["policy"]
        elif change["type"] == "aws_iam_policy" and change["name"] == "workload_boundary":
            found.boundary[key] = after["policy"]
        elif change["type"] == "aws_iam_policy" and change["name"] == "shell":
            found.shell[key] = after["policy"]
        elif change["type"] == "aws_iam_role_policy" and change["name"] == "image_publisher":
            found.publisher = after["policy"]
        elif change["type"] == "aws_iam_role":
            found.trust[after["name"]] = after["assume_role_policy"]
        elif change["type"] == "aws_ecr_lifecycle_policy" and change["name"] == "app":
            found.lifecycle = json.loads(after["policy"])
    stack = check_root(rendered)
    for environment in ENVIRONMENTS:
        changes = stack.plan(environment).resource_changes.values()
        found.stack[environment] = {
            f"{change['address']}": change["change"]["after"]["policy"]
            for change in changes
            if change["type"] == "aws_iam_role_policy"
        }
        (found.key[environment],) = (
            change["change"]["after"]["policy"]
            for change in changes
            if change["type"] == "aws_kms_key"
        )
    return found


# ---------------------------------------------------------------------------------------------
# The checks


def reference_problems(policies: dict[str, str]) -> list[str]:
    """Actions IAM knows, condition keys that apply to them, restrictions that restrict."""
    return [
        *iam.unknown_actions(policies),
        *iam.dead_grants(policies, TEST_ACCOUNT_ID, REGION),
        *iam.vacuous_restrictions(policies),
    ]


def trust_problems(found: Iam) -> list[str]:
    """Each role trusts exactly one kind of job, of this repository."""
    expected = {
        f"{PROJECT}-image-publisher": f"repo:{REPOSITORY}:ref:refs/heads/main",
        **{
            f"{PROJECT}-{environment}-deploy": f"repo:{REPOSITORY}:environment:{environment}"
            for environment in ENVIRONMENTS
        },
    }
    problems = []
    for role, subject in expected.items():
        (statement,) = json.loads(found.trust[role])["Statement"] or [None]
        conditions = statement.get("Condition", {}) if statement else {}
        if list(conditions) != ["StringEquals"] or conditions["StringEquals"] != {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": subject,
        }:
            problems.append(f"{role} trusts {conditions}, not exactly {subject}")
    for environment in ENVIRONMENTS:
        for kind, service in WORKLOAD_PRINCIPALS.items():
            role = f"{PROJECT}-{environment}-{kind}"
            if role not in found.trust:
                continue  # the database's monitoring role exists only with a database
            (statement,) = json.loads(found.trust[role])["Statement"] or [None]
            if (
                not statement
                or statement.get("Principal") != {"Service": service}
                or statement.get("Condition", {}).get("StringEquals")
                != {"aws:SourceAccount": TEST_ACCOUNT_ID}
            ):
                problems.append(f"{role} trusts {statement}, not {service} of this account")
    return problems


def push_problems(found: Iam) -> list[str]:
    """Only the publisher pushes, to the two repositories; deploy roles never touch the cache."""
    problems = []
    for environment in ENVIRONMENTS:
        for statement in iam.all_statements(found.deploy_policies(environment)):
            if statement.allows and PUSH_ACTIONS & set(statement.actions):
                problems.append(f"{statement.policy} {statement.sid} pushes images")
            if statement.allows and any(
                "build-cache" in resource for resource in statement.resources
            ):
                problems.append(f"{statement.policy} {statement.sid} reaches the build cache")
    for statement in iam.statements("publisher", found.publisher):
        if PUSH_ACTIONS & set(statement.actions) and set(statement.resources) != {
            f"{ECR}/{PROJECT}",
            f"{ECR}/{PROJECT}-build-cache",
        }:
            problems.append(f"the publisher pushes to {statement.resources}")
    return problems


def scoped(statement: iam.Statement, environment: str) -> bool:
    name = f"{PROJECT}-{environment}"
    tags = {"aws:ResourceTag/Environment", "aws:RequestTag/Environment"}
    if any(
        key in tags and statement.condition_values(key) == {environment}
        for key in statement.condition_keys()
    ):
        return True
    # Held to a tag AWS sets (a secret's database), which names the environment's resource.
    if any(
        operator.startswith("StringEquals") and values and all(name in value for value in values)
        for operator, _, values in statement.conditions
    ):
        return True
    return bool(statement.resources) and all(
        name in resource
        or f"/{environment}/" in resource
        or resource.endswith(f"/{environment}/*")
        or "hostedzone/" in resource
        or "change/" in resource
        for resource in statement.resources
    )


def write_actions(statement: iam.Statement) -> list[str]:
    reference = iam.service_reference()
    found = []
    for action in statement.actions:
        service, name = iam.split_action(action)
        definition = reference.get(service, {})
        privilege = definition.get("privileges", {}).get(
            definition.get("privileges_lower_name", {}).get(name.lower(), ""), {}
        )
        if privilege.get("access_level") in ("Write", "Tagging", "Permissions management"):
            found.append(action)
    return found


def scope_problems(found: Iam) -> list[str]:
    """Every write is held to the environment's tag or name, or is listed with its reason."""
    problems = []
    for environment in ENVIRONMENTS:
        for statement in iam.all_statements(found.deploy_policies(environment)):
            if not statement.allows:
                continue
            wildcards = [
                action for action in statement.actions if action.endswith(":*") or action == "*"
            ]
            if wildcards:
                problems.append(
                    f"{statement.policy} {statement.sid} allows whole services: {wildcards}"
                )
            writes = write_actions(statement)
            if (
                writes
                and not scoped(statement, environment)
                and statement.sid not in UNSCOPED_WRITES
            ):
                problems.append(
                    f"{statement.policy} {statement.sid}: {writes} held to neither the "
                    "environment's tag nor its names"
                )
    return problems


def guardrail_problems(found: Iam) -> list[str]:
    """The denies no allow can outweigh."""
    problems = []
    for environment in ENVIRONMENTS:
        statements = iam.statements("guardrails", found.deploy[environment]["guardrails"])
        denies = [statement for statement in statements if not statement.allows]
        for key in ("aws:ResourceTag/Environment", "aws:RequestTag/Environment"):
            if not any(
                statement.actions == ("*",)
                and ("StringNotEquals", key, (environment,)) in statement.conditions
                and ("Null", key, ("false",)) in statement.conditions
                for statement in denies
            ):
                problems.append(f"{environment}: nothing denies the other environment's {key}")
        shared_key = [
            statement
            for statement in denies
            if statement.resources == (KEY,)
            and ("ForAnyValue:StringEquals", "kms:ResourceAliases", (f"alias/{PROJECT}-bootstrap",))
            in statement.conditions
        ]
        if not shared_key or set(shared_key[0].not_actions) - {
            "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"
        }:  # fmt: skip
            problems.append(f"{environment}: the shared key may be more than used")
        denied_everywhere = {
            action
            for statement in denies
            if statement.resources == ("*",) and not statement.conditions
            for action in statement.actions
        }
        # A role that may act on RDS must not share its snapshots; without a database it has
        # no RDS action at all to deny.
        uses_rds = any(
            statement.allows and any(action.startswith("rds:") for action in statement.actions)
            for statement in iam.all_statements(found.deploy_policies(environment))
        )
        sharing = {action for action in SHARING if uses_rds or not action.startswith("rds:")}
        for missing in sorted(
            (IDENTITY_ACTIONS | ACCOUNT_SETTINGS | sharing | BOOTSTRAP_TAGGING) - denied_everywhere
        ):
            problems.append(f"{environment}: {missing} is not denied")
        state_bucket = f"arn:aws:s3:::{PROJECT}-tfstate-{TEST_ACCOUNT_ID}"
        if not any(
            STATE_BUCKET_TAGGING in statement.actions
            and state_bucket in statement.resources
            and not statement.conditions
            for statement in denies
        ):
            problems.append(
                f"{environment}: {STATE_BUCKET_TAGGING} is not denied on the state bucket"
            )
        alias = f"arn:aws:kms:{REGION}:{TEST_ACCOUNT_ID}:alias/{PROJECT}-bootstrap"
        if not any(
            set(statement.actions) >= ALIAS_ACTIONS and alias in statement.resources
            for statement in denies
        ):
            problems.append(f"{environment}: the shared key's alias may be moved")
    return problems


def identity_problems(found: Iam) -> list[str]:
    """No deploy role creates identities or changes trust."""
    problems = []
    for environment in ENVIRONMENTS:
        for statement in iam.all_statements(found.deploy_policies(environment)):
            granted = sorted(IDENTITY_ACTIONS & set(statement.actions))
            if statement.allows and granted:
                problems.append(f"{statement.policy} {statement.sid} allows {granted}")
    return problems


def service_problems(found: Iam) -> list[str]:
    """A service runs its own family's task definitions: another's carry another's roles."""
    problems = []
    for environment in ENVIRONMENTS:
        family = f"arn:aws:ecs:{REGION}:{TEST_ACCOUNT_ID}:task-definition/{PROJECT}-{environment}:*"
        for statement in iam.all_statements(found.deploy_policies(environment)):
            runs = {"ecs:CreateService", "ecs:UpdateService"} & set(statement.actions)
            if (
                statement.allows
                and runs
                and statement.condition_values("ecs:task-definition") != {family}
            ):
                problems.append(
                    f"{environment}: {statement.sid} may run any task definition: {sorted(runs)}"
                )
    return problems


def dns_problems(found: Iam, record_types: set[str]) -> list[str]:
    """Each environment changes only its own host name and validation record, of these types."""
    problems = []
    for environment in ENVIRONMENTS:
        host = DOMAIN_NAME if environment == "production" else f"staging.{DOMAIN_NAME}"
        changes = [
            statement
            for statement in iam.all_statements(found.deploy_policies(environment))
            if statement.allows
            and any(action.startswith("route53:Change") for action in statement.actions)
        ]
        for statement in changes:
            names = statement.condition_values(
                "route53:ChangeResourceRecordSetsNormalizedRecordNames"
            )
            types = statement.condition_values("route53:ChangeResourceRecordSetsRecordTypes")
            if (
                ("ForAllValues:StringLike", "route53:ChangeResourceRecordSetsNormalizedRecordNames",
                 (host, f"_{'?' * 32}.{host}")) not in statement.conditions
                or not types or types - record_types
                or any("hostedzone/" not in resource for resource in statement.resources)
            ):  # fmt: skip
                problems.append(
                    f"{environment}: {statement.sid} may change {sorted(names) or 'any name'} "
                    f"({sorted(types) or 'any type'}) in {statement.resources}"
                )
        if not changes:
            problems.append(f"{environment}: no statement changes the service's records")
    return problems


def boundary_problems(found: Iam) -> list[str]:
    """The boundary caps workload roles at the environment's logs, image, secrets, database role
    and shell sessions."""
    problems = []
    for environment, document in found.boundary.items():
        for statement in iam.statements(f"{environment} boundary", document):
            if not statement.allows:
                continue
            if any(
                action.startswith("iam:") or action.endswith(":*") for action in statement.actions
            ):
                problems.append(f"{environment}: {statement.sid} allows {statement.actions}")
            logs = [action for action in write_actions(statement) if action.startswith("logs:")]
            name = f"{PROJECT}-{environment}"
            if logs and not all(
                name in resource or ":log-group:RDS" in resource for resource in statement.resources
            ):
                problems.append(
                    f"{environment}: {statement.sid} writes logs to {statement.resources}"
                )
            # A database's secret by the tag RDS gives it, the app's by the environment's tag.
            keys = statement.condition_keys()
            if "secretsmanager:GetSecretValue" in statement.actions and not (
                any(key.startswith("aws:ResourceTag/aws:rds:") for key in keys)
                or statement.condition_values("aws:ResourceTag/Environment") == {environment}
            ):
                problems.append(f"{environment}: {statement.sid} reads secrets of any owner")
            if "secretsmanager:GetSecretValue" in statement.actions and not all(
                resource.startswith(f"arn:aws:secretsmanager:{REGION}:{TEST_ACCOUNT_ID}:")
                for resource in statement.resources
            ):
                problems.append(f"{environment}: {statement.sid} reads secrets in other regions")
            # The environment's key, for Secrets Manager, the items table (through DynamoDB,
            # which asks the caller's right to the table's key) or an ECS Exec session's data key.
            if "kms:Decrypt" in statement.actions and not (
                statement.condition_values("aws:ResourceTag/Environment") == {environment}
                and (
                    statement.condition_values("kms:ViaService")
                    in (
                        {f"secretsmanager.{REGION}.amazonaws.com"},
                        {f"dynamodb.{REGION}.amazonaws.com"},
                    )
                    or ("Null", SESSION_CONTEXT, ("false",)) in statement.conditions
                )
            ):
                problems.append(
                    f"{environment}: {statement.sid} decrypts beyond secrets, the table and shell"
                    " sessions"
                )
            database_role = f"arn:aws:rds-db:{REGION}:{TEST_ACCOUNT_ID}:dbuser:*/" + name.replace(
                "-", "_"
            )
            if "rds-db:connect" in statement.actions and set(statement.resources) != {
                database_role
            }:
                problems.append(f"{environment}: {statement.sid} logs in as {statement.resources}")
            own_table = f"arn:aws:dynamodb:{REGION}:{TEST_ACCOUNT_ID}:table/{name}-items"
            if any(action.startswith("dynamodb:") for action in statement.actions) and set(
                statement.resources
            ) != {own_table}:
                problems.append(f"{environment}: {statement.sid} reaches {statement.resources}")
            pulls = [action for action in statement.actions if action.startswith("ecr:Batch")]
            if pulls and set(statement.resources) != {f"{ECR}/{PROJECT}"}:
                problems.append(f"{environment}: {statement.sid} pulls from {statement.resources}")
    return problems


def key_problems(found: Iam) -> list[str]:
    """CloudWatch Logs uses the environment key for the environment's log groups only; the
    alarms and the budget, for the environment's alarm topic only."""
    problems = []
    for environment, document in found.key.items():
        statements = iam.statements(f"{environment} key", document)
        logs = [
            statement
            for statement in statements
            if statement.allows and statement.principals == (f"logs.{REGION}.amazonaws.com",)
        ]
        publishers = [
            statement
            for statement in statements
            if statement.allows
            and {"cloudwatch.amazonaws.com", "budgets.amazonaws.com"} & set(statement.principals)
        ]
        topic = f"arn:aws:sns:{REGION}:{TEST_ACCOUNT_ID}:{PROJECT}-{environment}-alarms"
        if not publishers:
            problems.append(f"{environment}: the alarms may not use the key for their topic")
        for statement in publishers:
            topics = statement.condition_values("kms:EncryptionContext:aws:sns:topicArn")
            if topics != {topic}:
                problems.append(f"{environment}: the key serves topics {sorted(topics) or 'all'}")
        if not logs:
            problems.append(f"{environment}: CloudWatch Logs may not use the key")
        for statement in logs:
            groups = statement.condition_values("kms:EncryptionContext:aws:logs:arn")
            if not groups or not all(
                f"{PROJECT}-{environment}" in group or ":log-group:/aws/rds/" in group
                for group in groups
            ):
                problems.append(
                    f"{environment}: the key encrypts the log groups {sorted(groups) or 'all'}"
                )
    return problems


def lifecycle_problems(policy: dict[str, Any]) -> list[str]:
    """Forty merges pass after production last deployed: its image, and staging's, stay."""
    now = datetime.datetime(2027, 6, 1, tzinfo=datetime.UTC)
    images = [
        ecr_lifecycle.Image(
            digest=f"sha256:{day:064x}",
            tags=(f"commit-{day}",),
            pushed=now - datetime.timedelta(days=60 - day),
        )
        for day in range(60)
    ]
    deployed = {images[5].digest: "deployed-production-20270406T120000Z",
                images[59].digest: "deployed-staging-20270531T120000Z"}  # fmt: skip
    images = [
        ecr_lifecycle.Image(image.digest, (*image.tags, deployed[image.digest]), image.pushed)
        if image.digest in deployed else image
        for image in images
    ]  # fmt: skip
    gone = ecr_lifecycle.expired(policy, images, now)
    problems = [
        f"the lifecycle policy expires {deployed[digest]}" for digest in deployed if digest in gone
    ]
    if not gone:
        problems.append("the lifecycle policy keeps every image: the count rule never applies")
    return problems


def cloudsplaining_reports(found: Iam) -> set[tuple[str, str, str]]:
    """(concern, category, action or resource) of every finding in the publisher's, the deploy
    roles' and the boundary's policies."""
    policies = {("publisher", "publisher"): found.publisher}
    for environment in ENVIRONMENTS:
        policies |= {
            (concern, f"{environment}/{concern}"): policy
            for concern, policy in found.deploy[environment].items()
        }
        policies[("boundary", f"{environment} boundary")] = found.boundary[environment]
        policies[("shell", f"{environment} shell")] = found.shell[environment]
    return {
        (concern, category, item)
        for (concern, name), document in policies.items()
        for category, items in iam.cloudsplaining_findings(name, document).items()
        for item in items
    }


def unexplained_findings(found: Iam) -> list[str]:
    return [
        f"cloudsplaining: {finding} is not explained"
        for finding in sorted(cloudsplaining_reports(found) - set(EXPLAINED_FINDINGS))
    ]


# ---------------------------------------------------------------------------------------------
# The policies as generated


@by_combination
def test_policies_fit_the_service_authorization_reference(combination: Combination) -> None:
    found = bootstrap_iam(combination)
    policies = {"publisher": found.publisher}
    for environment in ENVIRONMENTS:
        policies |= found.deploy_policies(environment)
        policies[f"{environment} boundary"] = found.boundary[environment]
        policies[f"{environment} shell"] = found.shell[environment]
        policies |= found.stack[environment]
    assert reference_problems(policies) == []


@by_combination
def test_policies_fit_iams_size_limits(combination: Combination) -> None:
    found = bootstrap_iam(combination)
    managed = {**found.boundary, **{f"{env} shell": policy for env, policy in found.shell.items()}}
    for environment in ENVIRONMENTS:
        managed |= found.deploy_policies(environment)
    assert iam.oversized(managed, iam.MANAGED_POLICY_LIMIT) == []
    assert iam.oversized(found.trust, iam.TRUST_POLICY_LIMIT) == []
    assert iam.oversized({"publisher": found.publisher}, iam.ROLE_INLINE_POLICIES_LIMIT) == []


@by_combination
def test_the_stacks_role_policies_stay_within_the_boundary(combination: Combination) -> None:
    """A policy beyond its role's boundary is silently void: the service would fail at run time."""
    found = bootstrap_iam(combination)
    for environment in ENVIRONMENTS:
        actions = {
            action
            for statement in iam.all_statements(found.stack[environment])
            for action in statement.actions
        }
        boundary = {"boundary": found.boundary[environment]}
        assert iam.ungranted_actions(boundary, actions, TEST_ACCOUNT_ID, REGION) == []


def monitoring_problems(found: Iam) -> list[str]:
    """A deploy role's alarms notify its environment's topic only (target tracking's, which
    Application Auto Scaling creates with the caller's permissions, are named for the service),
    and it subscribes e-mail addresses only."""
    problems = []
    for environment in ENVIRONMENTS:
        topic = f"arn:aws:sns:{REGION}:{TEST_ACCOUNT_ID}:{PROJECT}-{environment}-alarms"
        target_tracking = f":alarm:TargetTracking-service/{PROJECT}-{environment}/"
        for statement in iam.all_statements(found.deploy_policies(environment)):
            if not statement.allows:
                continue
            if (
                "cloudwatch:PutMetricAlarm" in statement.actions
                and not all(target_tracking in resource for resource in statement.resources)
                and statement.condition_values("cloudwatch:AlarmActions") != {topic}
            ):
                problems.append(f"{statement.policy} {statement.sid}: alarms may notify anything")
            if "sns:Subscribe" in statement.actions and statement.condition_values(
                "sns:Protocol"
            ) != {"email"}:
                problems.append(f"{statement.policy} {statement.sid} subscribes any protocol")
    return problems


def shell_problems(found: Iam) -> list[str]:
    """A shell is opened by whoever holds the environment's shell policy, in its own tasks' app
    container only, with a session key from its own key; no deploy role may open one."""
    problems = []
    for environment in ENVIRONMENTS:
        name = f"{PROJECT}-{environment}"
        ecs = f"arn:aws:ecs:{REGION}:{TEST_ACCOUNT_ID}"
        for statement in iam.all_statements(found.deploy_policies(environment)):
            if statement.allows and "ecs:ExecuteCommand" in statement.actions:
                problems.append(f"{statement.policy} {statement.sid} opens shells")
        statements = [
            statement
            for statement in iam.statements(f"{environment} shell", found.shell[environment])
            if statement.allows
        ]
        opens = [statement for statement in statements if "ecs:ExecuteCommand" in statement.actions]
        if not opens:
            problems.append(f"{environment}: the shell policy opens no shell")
        for statement in opens:
            if set(statement.resources) != {f"{ecs}:cluster/{name}", f"{ecs}:task/{name}/*"}:
                problems.append(
                    f"{environment}: {statement.sid} opens shells in {statement.resources}"
                )
            if statement.condition_values("ecs:container-name") != {"app"}:
                problems.append(f"{environment}: {statement.sid} opens shells in any container")
        for statement in statements:
            # KMS's own uses of a key count as writes: each is held to its purpose below.
            writes = set(write_actions(statement)) - {
                "ecs:ExecuteCommand", "kms:Decrypt", "kms:GenerateDataKey"
            }  # fmt: skip
            if writes:
                problems.append(f"{environment}: {statement.sid} changes {sorted(writes)}")
            if "kms:Decrypt" in statement.actions and (
                statement.condition_values("kms:ResourceAliases") != {f"alias/{PROJECT}-bootstrap"}
                or statement.condition_values("kms:ViaService") != {f"s3.{REGION}.amazonaws.com"}
            ):
                problems.append(f"{environment}: {statement.sid} decrypts beyond the state")
            if "kms:GenerateDataKey" in statement.actions and (
                statement.condition_values("kms:ResourceAliases") != {f"alias/{name}"}
                or ("Null", SESSION_CONTEXT, ("false",)) not in statement.conditions
            ):
                problems.append(f"{environment}: {statement.sid} makes data keys beyond sessions")
            lookups = {"ecs:DescribeTasks", "ecs:ListTasks"} & set(statement.actions)
            if lookups and statement.condition_values("ecs:cluster") != {f"{ecs}:cluster/{name}"}:
                problems.append(f"{environment}: {statement.sid} reads any cluster's tasks")
            reads = [resource for resource in statement.resources if ":::" in resource]
            if "s3:GetObject" in statement.actions and reads != [
                f"arn:aws:s3:::{PROJECT}-tfstate-{TEST_ACCOUNT_ID}/{environment}/*"
            ]:
                problems.append(f"{environment}: {statement.sid} reads {statement.resources}")
    return problems


CHECKS: dict[str, Callable[[Iam], list[str]]] = {
    "trust": trust_problems,
    "push": push_problems,
    "scope": scope_problems,
    "guardrails": guardrail_problems,
    "identities": identity_problems,
    "services": service_problems,
    "boundary": boundary_problems,
    "cloudsplaining": unexplained_findings,
    "lifecycle": lambda found: lifecycle_problems(found.lifecycle),
    "key": key_problems,
    "monitoring": monitoring_problems,
    "shell": shell_problems,
}


@by_combination
@pytest.mark.parametrize("check", CHECKS)
def test_iam_holds(combination: Combination, check: str) -> None:
    assert CHECKS[check](bootstrap_iam(combination)) == []


# The pairwise sample has acm-route53 with every database, with CloudFront and without.
WITH_DNS = [combination for combination in COMBINATIONS if combination.https == "acm-route53"]
# What the checks' own tests weaken: policies with a database, DNS records and a NAT gateway.
MUTATED = next(
    combination
    for combination in WITH_DNS
    if combination.database in SQL_DATABASES
    and combination.nat_gateways != "none"
    and combination.cdn == "no"
)


@pytest.mark.parametrize("combination", WITH_DNS, ids=lambda c: c.id)
def test_dns_changes_are_the_environments_own(combination: Combination) -> None:
    # CloudFront's aliases are A and AAAA records (IPv6); the load balancer's only A.
    record_types = {"A", "AAAA", "CNAME"} if combination.cdn == "yes" else {"A", "CNAME"}
    assert dns_problems(bootstrap_iam(combination), record_types) == []


def test_the_dns_checks_cover_every_database() -> None:
    assert {combination.database for combination in WITH_DNS} == set(DATABASES)


def test_every_explanation_is_still_needed() -> None:
    """A reason for a finding cloudsplaining no longer reports is a stale promise: drop it."""
    reported: set[tuple[str, str, str]] = set()
    for combination in COMBINATIONS:
        reported |= cloudsplaining_reports(bootstrap_iam(combination))
    assert set(EXPLAINED_FINDINGS) - reported == set()


# Resource types whose checks read the resolved policies; the others the static scan covers
# (tests/infrastructure/test_terraform.py), since a plan has no comments to carry their skips.
PLAN_SCANNED_TYPES = ("aws_iam_", "aws_kms_key", "aws_s3_bucket_policy")
# checkov's checks that judge a policy by what it allows: each must have read these plans.
POLICY_CHECKS = {"CKV_AWS_286", "CKV_AWS_287", "CKV_AWS_288", "CKV_AWS_289", "CKV_AWS_290",
                 "CKV_AWS_355", "CKV_AWS_393"}  # fmt: skip


def test_checkov_finds_nothing_in_the_resolved_policies() -> None:
    """A static scan cannot evaluate policies built from expressions; the plans have them whole."""
    try:
        checkov_binary()
    except ToolMissing as missing:
        pytest.skip(str(missing))
    plans = {}
    for combination in COMBINATIONS:
        rendered = render(combination.answers)
        plans[f"bootstrap-{combination.id}"] = check_bootstrap(rendered).run_plan(
            BOOTSTRAP_DEFAULT_RUN
        )
        for environment in ENVIRONMENTS:
            plans[f"stack-{environment}-{combination.id}"] = check_root(rendered).plan(environment)
    scan = checkov_plan_scan(plans)
    assert scan["error"] is None, scan["error"]
    scanned = [
        check for check in scan["checks"] if check["resource"].startswith(PLAN_SCANNED_TYPES)
    ]
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file']})"
        for check in scanned
        if check["outcome"] == "failed"
    ]
    assert failed == []
    ran = {check["check_id"] for check in scanned if check["file"].startswith("bootstrap-")}
    assert ran >= POLICY_CHECKS, f"checkov did not judge the policies with {POLICY_CHECKS - ran}"


def test_checkov_catches_a_policy_that_escalates() -> None:
    """The plan scan above can fail: a deploy policy granting iam:* on * is found."""
    try:
        checkov_binary()
    except ToolMissing as missing:
        pytest.skip(str(missing))
    plan = check_bootstrap(render(COMBINATIONS[0].answers)).run_plan(BOOTSTRAP_DEFAULT_RUN)
    raw = copy.deepcopy(plan._raw)
    (deploy,) = [
        change
        for change in raw["resource_changes"]
        if change["type"] == "aws_iam_policy" and change.get("index") == "staging/service"
    ]
    document = json.loads(deploy["change"]["after"]["policy"])
    document["Statement"].append({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
    deploy["change"]["after"]["policy"] = json.dumps(document)

    scan = checkov_plan_scan({"bootstrap-escalating": TerraformPlanOutput(raw)})

    assert scan["error"] is None, scan["error"]
    failed = {
        check["check_id"]
        for check in scan["checks"]
        if check["outcome"] == "failed" and check["resource"].startswith("aws_iam_policy.deploy")
    }
    # CKV2_AWS_40 ("full IAM privileges") is the check this weakness fires
    assert failed, "checkov passed a deploy policy granting iam:* on *"


# ---------------------------------------------------------------------------------------------
# Each check catches the weakness it guards against


def statement_of(
    found: Iam, environment: str, concern: str, sid: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    document = json.loads(found.deploy[environment][concern])
    return document, next(s for s in document["Statement"] if s.get("Sid") == sid)


def mutate_deploy(
    concern: str, sid: str, change: Callable[[dict[str, Any]], None]
) -> Callable[[Iam], None]:
    def mutation(found: Iam) -> None:
        document, statement = statement_of(found, "staging", concern, sid)
        change(statement)
        found.deploy["staging"][concern] = json.dumps(document)

    return mutation


def add_deploy_statement(concern: str, statement: dict[str, Any]) -> Callable[[Iam], None]:
    def mutation(found: Iam) -> None:
        document = json.loads(found.deploy["staging"][concern])
        document["Statement"].append(statement)
        found.deploy["staging"][concern] = json.dumps(document)

    return mutation


def drop_deploy_statement(concern: str, sid: str) -> Callable[[Iam], None]:
    def mutation(found: Iam) -> None:
        document = json.loads(found.deploy["staging"][concern])
        document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
        found.deploy["staging"][concern] = json.dumps(document)

    return mutation


def mutate_trust(role: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Iam], None]:
    def mutation(found: Iam) -> None:
        document = json.loads(found.trust[role])
        change(document["Statement"][0])
        found.trust[role] = json.dumps(document)

    return mutation


def trust_subject(subject: str) -> Callable[[dict[str, Any]], None]:
    def change(statement: dict[str, Any]) -> None:
        statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] = subject

    return change


def mutate_boundary(sid: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Iam], None]:
    def mutation(found: Iam) -> None:
        document = json.loads(found.boundary["staging"])
        change(next(s for s in document["Statement"] if s.get("Sid") == sid))
        found.boundary["staging"] = json.dumps(document)

    return mutation


def mutate_shell(sid: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Iam], None]:
    def mutation(found: Iam) -> None:
        document = json.loads(found.shell["staging"])
        change(next(s for s in document["Statement"] if s.get("Sid") == sid))
        found.shell["staging"] = json.dumps(document)

    return mutation


def widen_key(found: Iam) -> None:
    document = json.loads(found.key["staging"])
    for statement in document["Statement"]:
        if "ArnLike" in statement.get("Condition", {}):
            statement["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] = (
                f"arn:aws:logs:{REGION}:{TEST_ACCOUNT_ID}:log-group:*"
            )
    found.key["staging"] = json.dumps(document)


def key_for_every_topic(found: Iam) -> None:
    document = json.loads(found.key["staging"])
    for statement in document["Statement"]:
        statement.get("Condition", {}).get("StringEquals", {}).pop(
            "kms:EncryptionContext:aws:sns:topicArn", None
        )
        if statement.get("Condition", {}).get("StringEquals") == {}:
            statement["Condition"].pop("StringEquals")
    found.key["staging"] = json.dumps(document)


def drop_deployed_rule(found: Iam) -> None:
    found.lifecycle = copy.deepcopy(found.lifecycle)
    found.lifecycle["rules"] = [
        rule for rule in found.lifecycle["rules"] if rule["rulePriority"] != 1
    ]


def untag_condition(statement: dict[str, Any]) -> None:
    statement.pop("Condition")


MUTATIONS: dict[str, tuple[str, Callable[[Iam], None]]] = {
    "the publisher trusts a staging job": (
        "trust",
        mutate_trust(
            f"{PROJECT}-image-publisher", trust_subject(f"repo:{REPOSITORY}:environment:staging")
        ),
    ),
    "the staging role trusts production's jobs": (
        "trust",
        mutate_trust(
            f"{PROJECT}-staging-deploy", trust_subject(f"repo:{REPOSITORY}:environment:production")
        ),
    ),
    "a deploy role pushes images": (
        "push",
        mutate_deploy(
            "state",
            "ResolveImagesToDeploy",
            lambda s: s.update(Action=[*s["Action"], "ecr:PutImage"]),
        ),
    ),
    "a deploy role reads the build cache": (
        "push",
        mutate_deploy(
            "state",
            "ResolveImagesToDeploy",
            lambda s: s.update(Resource=[s["Resource"], f"{ECR}/{PROJECT}-build-cache"]),
        ),
    ),
    "network changes lose their tag condition": (
        "scope",
        mutate_deploy("network", "ChangeThisEnvironmentsNetworkResources", untag_condition),
    ),
    "a service-wide wildcard is back": (
        "scope",
        add_deploy_statement(
            "network", {"Sid": "Everything", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
        ),
    ),
    "the other environment is no longer denied": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverTouchAnotherEnvironmentsResources"),
    ),
    "the shared key may be tagged": (
        "guardrails",
        drop_deploy_statement("guardrails", "OnlyUseTheSharedKey"),
    ),
    "account settings are no longer denied": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverChangeAccountSettings"),
    ),
    "a deploy role creates roles": (
        "identities",
        add_deploy_statement(
            "service",
            {
                "Sid": "Roles",
                "Effect": "Allow",
                "Action": ["iam:CreateRole", "iam:UpdateAssumeRolePolicy"],
                "Resource": f"arn:aws:iam::{TEST_ACCOUNT_ID}:role/*",
            },
        ),
    ),
    "the boundary writes every log group": (
        "boundary",
        mutate_boundary("WriteTheEnvironmentsLogs", lambda s: s.update(Resource="*")),
    ),
    "a service may run the other environment's task definitions": (
        "services",
        mutate_deploy(
            "service",
            "ChangeThisEnvironmentsServiceResources",
            lambda s: s["Condition"].pop("ArnLikeIfExists"),
        ),
    ),
    "a role that escalates": (
        "cloudsplaining",
        add_deploy_statement(
            "service",
            {
                "Sid": "Escalate",
                "Effect": "Allow",
                "Action": ["iam:CreatePolicyVersion"],
                "Resource": "*",
            },
        ),
    ),
    "deployed images are no longer kept": ("lifecycle", drop_deployed_rule),
    "a task role may be assumed from another account": (
        "trust",
        mutate_trust(f"{PROJECT}-staging-task", lambda s: s["Condition"].pop("StringEquals")),
    ),
    "the state bucket may be retagged": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverRetagTheStateBucket"),
    ),
    "bootstrap's resources may be retagged": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverRetagWhatBootstrapCreated"),
    ),
    "the shared key's alias may be moved": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverMoveTheSharedKeysAlias"),
    ),
    "snapshots may be shared and instances run": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverRunInstancesOrShareSnapshotsAndImages"),
    ),
    "identities may be created again": (
        "guardrails",
        drop_deploy_statement("guardrails", "NeverCreateIdentitiesOrChangeTrust"),
    ),
    "the boundary reads every database's secret": (
        "boundary",
        mutate_boundary("ReadTheEnvironmentsDatabaseSecret", lambda s: s.pop("Condition")),
    ),
    "the boundary reads every secret of the account": (
        "boundary",
        mutate_boundary("ReadTheEnvironmentsSecrets", lambda s: s.pop("Condition")),
    ),
    "the boundary reads the other environment's secrets": (
        "boundary",
        mutate_boundary(
            "ReadTheEnvironmentsSecrets",
            lambda s: s["Condition"]["StringEquals"].update(
                {"aws:ResourceTag/Environment": "production"}
            ),
        ),
    ),
    "the boundary reads secrets in every region": (
        "boundary",
        mutate_boundary(
            "ReadTheEnvironmentsDatabaseSecret",
            lambda s: s.update(Resource=f"arn:aws:secretsmanager:*:{TEST_ACCOUNT_ID}:secret:rds!*"),
        ),
    ),
    "the boundary decrypts outside Secrets Manager": (
        "boundary",
        mutate_boundary(
            "DecryptTheSecretThroughSecretsManager",
            lambda s: s["Condition"]["StringEquals"].pop("kms:ViaService"),
        ),
    ),
    "the boundary decrypts anything with the key, not only shell sessions": (
        "boundary",
        mutate_boundary("DecryptEcsExecSessions", lambda s: s["Condition"].pop("Null")),
    ),
    "the boundary decrypts shell sessions with any environment's key": (
        "boundary",
        mutate_boundary("DecryptEcsExecSessions", lambda s: s["Condition"].pop("StringEquals")),
    ),
    "a deploy role opens shells": (
        "shell",
        add_deploy_statement(
            "service",
            {
                "Sid": "Shell",
                "Effect": "Allow",
                "Action": "ecs:ExecuteCommand",
                "Resource": f"arn:aws:ecs:{REGION}:{TEST_ACCOUNT_ID}:task/{PROJECT}-staging/*",
            },
        ),
    ),
    "the shell policy opens shells in any container": (
        "shell",
        mutate_shell("OpenAShellInTheAppContainer", untag_condition),
    ),
    "the shell policy opens shells in production from staging's": (
        "shell",
        mutate_shell(
            "OpenAShellInTheAppContainer",
            lambda s: s.update(
                Resource=f"arn:aws:ecs:{REGION}:{TEST_ACCOUNT_ID}:task/{PROJECT}-production/*"
            ),
        ),
    ),
    "the shell policy makes data keys of any key": (
        "shell",
        mutate_shell("EncryptTheSession", untag_condition),
    ),
    "the shell policy reads every environment's state": (
        "shell",
        mutate_shell(
            "ReadThisEnvironmentsState",
            lambda s: s.update(Resource=f"arn:aws:s3:::{PROJECT}-tfstate-{TEST_ACCOUNT_ID}/*"),
        ),
    ),
    "the shell policy stops tasks": (
        "shell",
        mutate_shell("FindTheRunningTasks", lambda s: s["Action"].append("ecs:StopTask")),
    ),
    "the boundary pulls every image": (
        "boundary",
        mutate_boundary("PullTheServiceImage", lambda s: s.update(Resource="*")),
    ),
    "the key encrypts every log group": ("key", widen_key),
    "the alarms may use the key for any topic": ("key", key_for_every_topic),
    "an alarm may notify anything": (
        "monitoring",
        mutate_deploy("monitoring", "AlarmsNotifyOnlyTheEnvironmentsTopic", untag_condition),
    ),
    "e-mail is not the only protocol": (
        "monitoring",
        mutate_deploy("monitoring", "SubscribeAddressesToTheAlarmTopic", untag_condition),
    ),
    "alarms may be made under any name": (
        "scope",
        mutate_deploy(
            "monitoring", "ChangeTheEnvironmentsAlarms", lambda s: s.update(Resource="*")
        ),
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_each_check_catches_its_weakness(mutation: str) -> None:
    check, mutate = MUTATIONS[mutation]
    found = bootstrap_iam(MUTATED)
    assert CHECKS[check](found) == [], "the check must pass on the policies as generated"
    mutate(found)
    assert CHECKS[check](found), f"the {check} check did not notice: {mutation}"


DNS_MUTATIONS: dict[str, Callable[[Iam], None]] = {
    "any record of the zone": mutate_deploy(
        "dns", "ChangeOnlyThisEnvironmentsRecords", untag_condition
    ),
    "production's host name from staging": mutate_deploy(
        "dns",
        "ChangeOnlyThisEnvironmentsRecords",
        lambda s: s["Condition"]["ForAllValues:StringLike"].update(
            {"route53:ChangeResourceRecordSetsNormalizedRecordNames": [DOMAIN_NAME]}
        ),
    ),
    "MX and TXT records": mutate_deploy(
        "dns",
        "ChangeOnlyThisEnvironmentsRecords",
        lambda s: s["Condition"]["ForAllValues:StringEquals"].update(
            {"route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME", "MX", "TXT"]}
        ),
    ),
    "every zone": mutate_deploy(
        "dns", "ChangeOnlyThisEnvironmentsRecords", lambda s: s.update(Resource="*")
    ),
}


@pytest.mark.parametrize("mutation", DNS_MUTATIONS)
def test_the_dns_check_catches(mutation: str) -> None:
    found = bootstrap_iam(MUTATED)
    assert dns_problems(found, {"A", "CNAME"}) == []
    DNS_MUTATIONS[mutation](found)
    assert dns_problems(found, {"A", "CNAME"}), f"the dns check did not notice: {mutation}"


REFERENCE_MUTATIONS: dict[str, Callable[[Iam], None]] = {
    # GetRole has no iam:PermissionsBoundary key: the statement would never allow it.
    "a condition key the action lacks": mutate_deploy(
        "service",
        "ReadTheWorkloadRoles",
        lambda s: s.update(
            Condition={
                "ArnEquals": {"iam:PermissionsBoundary": "arn:aws:iam::123456789012:policy/x"}
            }
        ),
    ),
    "an action that does not exist": mutate_deploy(
        "guardrails",
        "NeverRetagWhatBootstrapCreated",
        lambda s: s["Action"].append("s3:DeleteBucketTagging"),
    ),
}


@pytest.mark.parametrize("mutation", REFERENCE_MUTATIONS)
def test_the_reference_check_catches(mutation: str) -> None:
    found = bootstrap_iam(Combination("postgresql", "off", "single", "arm64"))
    REFERENCE_MUTATIONS[mutation](found)
    assert reference_problems(found.deploy_policies("staging")), mutation


def test_a_subnet_needs_its_vpc_allowed_too() -> None:
    """EC2 authorizes the VPC a subnet goes into on its own: without the statement that allows
    using the environment's VPC, creating a subnet is denied in a real account."""
    found = bootstrap_iam(Combination("postgresql", "off", "single", "arm64"))
    policies = found.deploy_policies("staging")
    assert iam.ungranted_actions(policies, ["ec2:CreateSubnet"], TEST_ACCOUNT_ID, REGION) == []
    drop_deploy_statement("network", "ChangeThisEnvironmentsNetworkResources")(found)
    assert iam.ungranted_actions(
        found.deploy_policies("staging"), ["ec2:CreateSubnet"], TEST_ACCOUNT_ID, REGION
    )


def test_the_deploys_read_each_call_from_the_providers_log(tmp_path: Path) -> None:
    """The end-to-end deploys check every call a role made against its policies, reading the
    calls from Terraform's debug log: a response body with line breaks moves the call's name to
    a later line of its entry, and the call must still be read."""
    log = tmp_path / "terraform.log"
    log.write_text(
        "2026-12-08T01:25:15.318Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP"
        " Response Received: http.status_code=200\n"
        "  http.response.body=\n"
        '  | {"taskDefinition": {\n'
        '  |   "family": "orders-api-staging"}}\n'
        "   rpc.service=ECS rpc.method=RegisterTaskDefinition @module=aws\n"
        "2026-12-08T01:25:15.400Z [DEBUG] provider.terraform-provider-aws_v5.100.0_x5: HTTP"
        ' Response Received: http.response.body="" rpc.method=DescribeVpcs rpc.service=EC2\n'
    )
    assert iam.terraform_log_actions(log) == {"ecs:RegisterTaskDefinition", "ec2:DescribeVpcs"}
