"""Stand-ins for aws, terraform, docker, gh and curl, for driving the deploy scripts offline.

    fake_cli.py TOOL ARGS...      (tests/delivery/test_deploy_steps.py links each tool name to this)

Each call is appended to $FAKE_STATE/calls.log. $FAKE_STATE/scenario.json says how the
emulated account and repository behave: which images ECR holds (by digest, with their tags and
configuration), whether a push registers the image and what configuration a build makes, what
`terraform plan` finds, how the rollout ends, whether the service answers, and what GitHub
holds. Only the queries the scripts make are understood: anything else fails loudly, so that a
script change cannot pass against a stand-in that silently agrees.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
from pathlib import Path
from typing import Any

STATE = Path(os.environ["FAKE_STATE"])
ACCOUNT = "123456789012"
REPOSITORY_URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders-api"
TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-staging:{}"
TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/orders-api-staging/0123456789abcdef0"
RELEASE_HEALTH_ALARMS = ("orders-api-staging-load-balancer-5xx", "orders-api-staging-target-5xx")
DEPLOY_ROLES = {
    environment: f"arn:aws:iam::{ACCOUNT}:role/orders-api-{environment}-deploy"
    for environment in ("staging", "production")
}
PUBLISHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/orders-api-image-publisher"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def scenario() -> dict[str, Any]:
    return json.loads((STATE / "scenario.json").read_text())


def save(changed: dict[str, Any]) -> None:
    (STATE / "scenario.json").write_text(json.dumps(changed))


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def unexpected(tool: str, args: list[str]) -> int:
    print(f"fake {tool}: unexpected call: {args}", file=sys.stderr)
    return 2


def manifest(config: str) -> str:
    return json.dumps(
        {"schemaVersion": 2, "mediaType": MANIFEST_TYPE, "config": {"digest": config}}
    )


def digest_of(config: str, tag: str) -> str:
    return "sha256:" + hashlib.sha256(f"{config}{tag}".encode()).hexdigest()


def image_by(world: dict[str, Any], image_id: str) -> tuple[str, dict[str, Any]] | None:
    kind, _, value = image_id.partition("=")
    for digest, image in world["images"].items():
        if (kind == "imageDigest" and digest == value) or (
            kind == "imageTag" and value in image["tags"]
        ):
            return digest, image
    return None


def not_found(image_id: str, operation: str) -> int:
    print(
        f"An error occurred (ImageNotFoundException) when calling the {operation} operation: "
        f"The image with imageId {{{image_id}}} does not exist",
        file=sys.stderr,
    )
    return 254


def ecr(world: dict[str, Any], args: list[str]) -> int:
    command, query = args[1], option(args, "--query")
    if command == "get-login-password":
        print("password")
    elif command == "describe-repositories":
        print(REPOSITORY_URI if query else "{}")
    elif command == "describe-images":
        image_id = option(args, "--image-ids")
        found = image_by(world, image_id)
        if found is None:
            return not_found(image_id, "DescribeImages")
        digest, image = found
        answers = {
            "imageDetails[0].imageDigest": digest,
            "imageDetails[0].imageTags": "\t".join(image["tags"]),
        }
        if query not in answers:
            return unexpected("aws", args)
        print(answers[query])
    elif command == "batch-get-image":
        found = image_by(world, option(args, "--image-ids"))
        if found is None:
            return not_found(option(args, "--image-ids"), "BatchGetImage")
        answers = {
            "images[0].imageManifest": manifest(found[1]["config"]),
            "images[0].imageManifestMediaType": MANIFEST_TYPE,
        }
        if query not in answers:
            return unexpected("aws", args)
        print(answers[query])
    elif command == "put-image":
        found = image_by(world, f"imageDigest={option(args, '--image-digest')}")
        tag = option(args, "--image-tag")
        if found is None or image_by(world, f"imageTag={tag}"):
            print("An error occurred (ImageTagAlreadyExistsException)", file=sys.stderr)
            return 254
        found[1]["tags"].append(tag)
        save(world)
    else:
        return unexpected("aws", args)
    return 0


def aws(args: list[str]) -> int:
    world = scenario()
    command = " ".join(args[:2])
    if command == "sts get-caller-identity":
        query = option(args, "--query")
        print(ACCOUNT if query == "Account" else f"{ACCOUNT}\tarn:aws:iam::{ACCOUNT}:user/dev")
    elif command == "s3api head-bucket":
        print("")
    elif command == "s3 ls":
        if not world.get("bootstrap_state_saved"):
            return 1
        print("2026-12-01 00:00:00       1234 terraform.tfstate")
    elif command == "s3 cp":
        Path(args[-1]).write_text("{}") if not args[-1].startswith("s3://") else None
    elif args[0] == "ecr":
        return ecr(world, args)
    elif command == "ecs describe-services" and "alarms.alarmNames" in (
        option(args, "--query") or ""
    ):
        # The release-health alarms the service's deployments watch.
        print("\t".join(RELEASE_HEALTH_ALARMS) if world.get("alarms") != "none" else "None")
    elif command == "ecs describe-services" and option(args, "--query") == (
        "services[0].enableExecuteCommand"
    ):
        print("False" if world.get("exec") == "off" else "True")
    elif command == "ecs list-tasks":
        print("None" if world.get("tasks") == "none" else f"{TASK_ARN}")
    elif command == "ecs describe-tasks":
        # The ECS Exec agent of the app container: None in a task started without ECS Exec.
        print(world.get("exec_agent", "RUNNING"))
    elif command == "ecs execute-command":
        print(f"session: {option(args, '--task')} {option(args, '--container')} "
              f"{option(args, '--command')}")  # fmt: skip
    elif command == "application-autoscaling describe-scalable-targets":
        # ScheduledScalingSuspended: make pause suspends it.
        print("True" if world.get("paused") else "False")
    elif command == "cloudwatch describe-alarms":
        firing = world.get("alarms") == "firing"
        for number, name in enumerate(RELEASE_HEALTH_ALARMS):
            print(f"{name}\t{'ALARM' if firing and number == 1 else 'OK'}")
    elif command == "ecs describe-services":
        expected, previous = TASK_DEFINITION.format(2), TASK_DEFINITION.format(1)
        print(
            {
                "stable": f"{expected}\t1\t{expected}\tCOMPLETED\t1\t1",
                "rolled_back": f"{previous}\t1\t{previous}\tCOMPLETED\t1\t1",
                "failed": f"{expected}\t2\t{expected}\tFAILED\t0\t1",
            }[world["rollout"]]
        )
    elif command == "logs filter-log-events":
        if world.get("logs_denied"):
            print("An error occurred (AccessDeniedException): not authorized", file=sys.stderr)
            return 254
        print(f"1700000000000\tevent-1\tapp/app/abc\t{json.dumps({'message': 'hello'})}")
    else:
        return unexpected("aws", args)
    return 0


def terraform(args: list[str]) -> int:
    world = scenario()
    command = next(arg for arg in args if not arg.startswith("-"))
    if command == "plan":
        if world["plan_changes"]:
            print("Plan: 0 to add, 2 to change, 0 to destroy.")
            print("  # module.service.aws_ecs_service.this will be updated in-place")
            return 2
        print("No changes. Your infrastructure matches the configuration.")
        return 0
    if command == "output":
        outputs: dict[str, Any] = {
            "cluster_name": "orders-api-staging",
            "service_name": "orders-api-staging",
            "task_definition_arn": TASK_DEFINITION.format(2),
            "service_url": "http://127.0.0.1:9",
            "log_group_name": "/ecs/orders-api-staging",
            "dashboard_url": "https://console.aws.amazon.com/cloudwatch/dashboard",
            "deploy_role_arns": DEPLOY_ROLES,
            "image_publisher_role_arn": PUBLISHER_ROLE,
        }
        value = outputs[args[-1]]
        print(json.dumps(value) if "-json" in args else value, end="")
    return 0


def docker(args: list[str]) -> int:
    world = scenario()
    if args[0] == "login":
        sys.stdin.read()
        return 0
    if args == ["--version"]:
        print("Docker version 28.0.0, build stand-in")
        return 0
    if args[0] == "info":
        if world.get("docker_daemon", True):
            return 0
        print(
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.", file=sys.stderr
        )
        return 1
    if args[:2] == ["buildx", "version"]:
        print("github.com/docker/buildx v0.20.0 stand-in")
        return 0
    if args[:2] == ["buildx", "inspect"]:
        print(f"Platforms: {world.get('buildx_platforms', 'linux/amd64, linux/arm64')}")
        return 0
    if args[:2] != ["buildx", "build"]:
        return unexpected("docker", args)
    tag = option(args, "--tag").rpartition(":")[2]
    config = world.get("build_config", "sha256:" + "c" * 64)
    digest = digest_of(config, tag)
    if "--push" in args and world["push_registers"]:
        world["images"][digest] = {"tags": [tag], "config": config}
        save(world)
    # What buildx writes with --metadata-file, one key a line.
    Path(option(args, "--metadata-file")).write_text(
        json.dumps(
            {"containerimage.config.digest": config, "containerimage.digest": digest}, indent=2
        )
    )
    return 0


# gh ------------------------------------------------------------------------------------------


def gh_api(world: dict[str, Any], args: list[str]) -> int:
    github = world["github"]
    # The path is the one argument that is neither a flag nor a flag's value.
    path = next(
        arg for index, arg in enumerate(args[1:], 1)
        if not arg.startswith("-") and not args[index - 1].startswith("-")
    )  # fmt: skip
    method = option(args, "--method") or "GET"
    jq = option(args, "--jq")
    repository = "acme/orders-api"
    body = json.loads(sys.stdin.read()) if "--input" in args else {}
    fields = dict(value.split("=", 1) for flag, value in itertools.pairwise(args) if flag == "-f")
    environments = github.setdefault("environments", {})
    if path == f"repos/{repository}" and jq == ".id":
        print(github["repository"]["id"])
    elif path == f"repos/{repository}" and jq == "[.full_name, .id, .permissions.admin] | @tsv":
        repo = github["repository"]
        print(f"{repo['full_name']}\t{repo['id']}\t{str(repo['admin']).lower()}")
    elif path == "user":
        print("dev")
    elif path.startswith("users/"):
        if path[6:] not in github.get("users", {}):
            return 1
        print(github["users"][path[6:]])
    elif path.startswith("orgs/"):
        team = path.removeprefix("orgs/").replace("/teams/", "/")
        if team not in github.get("teams", {}):
            return 1
        print(github["teams"][team])
    elif path.startswith(f"repos/{repository}/environments/"):
        name, _, rest = path.removeprefix(f"repos/{repository}/environments/").partition("/")
        if method == "PUT" and not rest:
            environment = environments.setdefault(name, {"policies": []})
            environment["settings"] = body
        elif name not in environments:
            print("gh: Not Found (HTTP 404)", file=sys.stderr)
            return 1
        elif rest == "deployment-branch-policies" and method == "POST":
            policies = environments[name]["policies"]
            policies.append(
                {"id": len(policies) + 100, "type": fields["type"], "name": fields["name"]}
            )
        elif rest.startswith("deployment-branch-policies/") and method == "DELETE":
            policy_id = int(rest.rpartition("/")[2])
            environments[name]["policies"] = [
                policy for policy in environments[name]["policies"] if policy["id"] != policy_id
            ]
        elif rest == "deployment-branch-policies":
            policies = environments[name]["policies"]
            if jq == '.branch_policies[] | "\\(.id) \\(.type) \\(.name)"':
                for policy in policies:
                    print(f"{policy['id']} {policy['type']} {policy['name']}")
            elif jq == '[.branch_policies[] | "\\(.type):\\(.name)"] | join(",")':
                print(",".join(f"{policy['type']}:{policy['name']}" for policy in policies))
            else:
                return unexpected("gh", args)
        elif not rest and jq and "required_reviewers" in jq:
            settings = environments[name].get("settings", {})
            self_review = str(settings.get("prevent_self_review", False)).lower()
            print(f"{len(settings.get('reviewers', []))}\t{self_review}")
        else:
            return unexpected("gh", args)
        save(world)
    elif path == f"repos/{repository}/actions/oidc/customization/sub":
        if method == "PUT":
            github["oidc"] = body
            save(world)
        else:
            oidc = github.get("oidc", {"use_default": True})
            print(
                "default"
                if oidc["use_default"]
                else json.dumps(oidc["include_claim_keys"], separators=(",", ":"))
            )
    else:
        return unexpected("gh", args)
    return 0


def gh(args: list[str]) -> int:
    world = scenario()
    github = world.get("github")
    if args[:2] == ["auth", "status"]:
        return 0 if github and github.get("logged_in", True) else 1
    if github is None:
        return unexpected("gh", args)
    if args[0] == "api":
        return gh_api(world, args)
    if args[0] == "variable":
        environment = option(args, "--env") or ""
        variables = github.setdefault("variables", {})
        key = f"{environment}/{args[2]}"
        if args[1] == "set":
            variables[key] = option(args, "--body")
            save(world)
            return 0
        if args[1] == "get" and key in variables:
            print(variables[key])
            return 0
        return 1
    return unexpected("gh", args)


def curl(args: list[str]) -> int:
    if "--write-out" in args:
        print("HTTP 503", end="")
    return 0 if scenario()["service_answers"] else 22


def main() -> int:
    tool, args = sys.argv[1], sys.argv[2:]
    with (STATE / "calls.log").open("a") as calls:
        calls.write(" ".join([tool, *args]) + "\n")
    tools = {"aws": aws, "terraform": terraform, "docker": docker, "gh": gh, "curl": curl}
    return tools[tool](args)


if __name__ == "__main__":
    sys.exit(main())
