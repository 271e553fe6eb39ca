"""Stand-ins for aws, terraform, docker and curl, for driving the deploy scripts offline.

    fake_cli.py TOOL ARGS...      (tests/test_deploy_steps.py links each tool name to this)

Each call is appended to $FAKE_STATE/calls.log. $FAKE_STATE/scenario.json says how the
emulated account behaves: which image tags ECR holds, whether a push registers the image,
what `terraform plan` finds, how the rollout ends, whether the service answers.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

STATE = Path(os.environ["FAKE_STATE"])
ACCOUNT = "123456789012"
REPOSITORY_URI = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders-api"
TASK_DEFINITION = "arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api-staging:{}"


def scenario() -> dict:
    return json.loads((STATE / "scenario.json").read_text())


def save(changed: dict) -> None:
    (STATE / "scenario.json").write_text(json.dumps(changed))


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def aws(args: list[str]) -> int:
    world = scenario()
    command = " ".join(args[:2])
    if command == "sts get-caller-identity":
        query = option(args, "--query")
        print(ACCOUNT if query == "Account" else f"{ACCOUNT}\tarn:aws:iam::{ACCOUNT}:user/dev")
    elif command in ("s3api head-bucket", "ecr get-login-password"):
        print("password" if args[1] == "get-login-password" else "")
    elif command == "ecr describe-repositories":
        print(REPOSITORY_URI if "--query" in args else "{}")
    elif command == "ecr describe-images":
        tag = option(args, "--image-ids").removeprefix("imageTag=")
        if tag not in world["images"]:
            print(
                "An error occurred (ImageNotFoundException) when calling the DescribeImages "
                f"operation: The image with imageId {{imageTag:'{tag}'}} does not exist",
                file=sys.stderr,
            )
            return 254
        print("sha256:0123")
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
        print(f"fake aws: unexpected call: {args}", file=sys.stderr)
        return 2
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
        print(
            {
                "cluster_name": "orders-api-staging",
                "service_name": "orders-api-staging",
                "task_definition_arn": TASK_DEFINITION.format(2),
                "service_url": "http://127.0.0.1:9",
                "log_group_name": "/ecs/orders-api-staging",
            }[args[-1]],
            end="",
        )
    return 0


def docker(args: list[str]) -> int:
    world = scenario()
    if args[0] == "login":
        sys.stdin.read()
    elif args[0] == "push" and world["push_registers"]:
        world["images"].append(args[1].rpartition(":")[2])
        save(world)
    return 0


def curl(args: list[str]) -> int:
    if "--write-out" in args:
        print("HTTP 503", end="")
    return 0 if scenario()["service_answers"] else 22


def main() -> int:
    tool, args = sys.argv[1], sys.argv[2:]
    with (STATE / "calls.log").open("a") as calls:
        calls.write(" ".join([tool, *args]) + "\n")
    return {"aws": aws, "terraform": terraform, "docker": docker, "curl": curl}[tool](args)


if __name__ == "__main__":
    sys.exit(main())
