"""The systems the template stands for, reproduced by answers and tfvars alone: each one's
settings, written where a user writes them (environments/<env>.tfvars, bootstrap's
account.auto.tfvars), pass validation and plan into the resources that system runs."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from harness.combinations import Combination
from harness.rendering import Render, render
from harness.terraform import (
    BOOTSTRAP_DEFAULT_RUN,
    ToolMissing,
    check_bootstrap,
    check_root,
    terraform_ready,
)

from .test_terraform import PROJECT, Plan


@dataclass(frozen=True, eq=False)
class Seed:
    combination: Combination
    environment: str
    # written into environments/<environment>.tfvars, replacing the line that sets each
    tfvars: dict[str, str]
    # written into terraform/bootstrap/account.auto.tfvars
    account: dict[str, str] = field(default_factory=dict)


SEEDS = {
    "orders service on port 8080: a week of logs, 10 images, 2-10 tasks at 70% CPU": Seed(
        Combination("postgresql", "off", "one-per-az", "x86_64"),
        "production",
        {
            "container_port": "8080",
            "log_retention_days": "7",
            "cpu_target_percent": "70",
            "desired_count": "2",
            "min_capacity": "2",
            "max_capacity": "10",
        },
        {"ecr_images_to_keep": "10"},
    ),
    "staging stopped to save money: desired count 0": Seed(
        Combination("none", "off", "single", "arm64"), "staging", {"desired_count": "0"}
    ),
}


def with_settings(text: str, settings: dict[str, str]) -> str:
    """tfvars text with each setting's line replaced, or appended when the file has none."""
    for name, value in settings.items():
        line = re.compile(rf"^{name}\s*=.*$", re.MULTILINE)
        text = (
            line.sub(f"{name} = {value}", text)
            if line.search(text)
            else f"{text.rstrip()}\n{name} = {value}\n"
        )
    return text


WITH_ACCOUNT_SETTINGS = [name for name, seed in SEEDS.items() if seed.account]


@pytest.fixture(scope="session", autouse=True)
def terraform_available() -> None:
    try:
        terraform_ready()
    except ToolMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="module")
def seed_render(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Seed], Render]:
    """A copy of the seed's render with its settings written in, made once per seed."""
    copies: dict[Seed, Render] = {}

    def copy(seed: Seed) -> Render:
        if seed not in copies:
            original = render(seed.combination.answers)
            output_dir = tmp_path_factory.mktemp("seed")
            project = output_dir / original.project.name
            shutil.copytree(original.project, project)
            terraform_dir = project / "terraform"
            for path, settings in (
                (terraform_dir / "environments" / f"{seed.environment}.tfvars", seed.tfvars),
                (terraform_dir / "bootstrap" / "account.auto.tfvars", seed.account),
            ):
                path.write_text(with_settings(path.read_text(), settings))
            copies[seed] = Render(0, "", "", output_dir)
        return copies[seed]

    return copy


def test_the_settings_replace_the_generated_lines() -> None:
    text = 'environment = "staging"\ndesired_count    = 1\n'

    assert with_settings(text, {"desired_count": "0", "container_port": "8080"}) == (
        'environment = "staging"\ndesired_count = 0\ncontainer_port = 8080\n'
    )


@pytest.mark.parametrize("name", SEEDS)
def test_the_seed_validates_and_plans(name: str, seed_render: Callable[[Seed], Render]) -> None:
    seed = SEEDS[name]
    result = check_root(seed_render(seed))
    for step in ("init", "test"):
        assert result.step(step).ok, result.report()
    plan = Plan(result.plan(seed.environment))
    settings = {name: int(value) for name, value in seed.tfvars.items()}

    scaling = plan.one("aws_appautoscaling_target")
    service = plan.one("aws_ecs_service")
    if settings["desired_count"] == 0:
        # Paused: no task starts, and autoscaling has no room to start one.
        assert (scaling["min_capacity"], scaling["max_capacity"]) == (0, 0)
        assert service["desired_count"] == 0
    else:
        assert (scaling["min_capacity"], scaling["max_capacity"]) == (
            settings["min_capacity"],
            settings["max_capacity"],
        )
        assert service["desired_count"] == settings["desired_count"]
    if "container_port" in settings:
        port = settings["container_port"]
        (app,) = [c for c in plan.containers() if c["name"] == "app"]
        assert app["portMappings"] == [{"containerPort": port, "hostPort": port, "protocol": "tcp"}]
        assert {"name": "UVICORN_PORT", "value": str(port)} in app["environment"]
        assert plan.one("aws_lb_target_group")["port"] == port
        ingress = plan.named("aws_vpc_security_group_ingress_rule", "from_load_balancer")
        assert [rule["from_port"] for rule in ingress] == [port]
    if "log_retention_days" in settings:
        groups = plan.of_type("aws_cloudwatch_log_group")
        assert {group["retention_in_days"] for group in groups} == {settings["log_retention_days"]}
    if "cpu_target_percent" in settings:
        (cpu,) = [
            policy["target_tracking_scaling_policy_configuration"][0]
            for policy in plan.named("aws_appautoscaling_policy", "this")
            if policy["name"] == f"{PROJECT}-{seed.environment}-cpu"
        ]
        assert cpu["target_value"] == settings["cpu_target_percent"]


@pytest.mark.parametrize("name", WITH_ACCOUNT_SETTINGS)
def test_the_seeds_account_settings_plan(name: str, seed_render: Callable[[Seed], Render]) -> None:
    seed = SEEDS[name]
    result = check_bootstrap(seed_render(seed))
    for step in ("init", "test"):
        assert result.step(step).ok, result.report()
    plan = Plan(result.run_plan(BOOTSTRAP_DEFAULT_RUN))

    (policy,) = plan.named("aws_ecr_lifecycle_policy", "app")
    rules = json.loads(policy["policy"])["rules"]
    assert rules[2]["selection"]["countNumber"] == int(seed.account["ecr_images_to_keep"])
