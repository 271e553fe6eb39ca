"""docs/costs.md and `make cost`: the sizes each combination generates, priced by the generated
project's scripts/costs.py with its scripts/prices.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tools import costs


@pytest.fixture(scope="module")
def project() -> Path:
    """The default project (postgresql, one NAT gateway, arm64), as the tests render it."""
    return costs.rendered_project(costs.DEFAULT)


@pytest.fixture(scope="module")
def engine(project: Path) -> ModuleType:
    return costs.project_engine(project)


@pytest.fixture(scope="module")
def prices(engine: ModuleType) -> dict[str, Any]:
    return engine.load_prices(region="")


def bill(engine: ModuleType, terraform: Path, environment: str, prices: dict[str, Any]) -> Any:
    settings = engine.environment_settings(terraform, environment)
    return engine.Bill(settings, engine.environment_bill(settings, prices))


def test_the_cost_files_are_what_make_costs_writes() -> None:
    """docs/costs.md and each project's docs/costs.md variant follow the tfvars and prices."""
    expected = costs.expected_files()
    stale = [
        path.relative_to(costs.TEMPLATE_ROOT).as_posix()
        for path, text in expected.items()
        if not path.is_file() or path.read_text() != text
    ]
    unknown = set(costs.PROJECT_COSTS_DIR.iterdir()) - set(expected)
    assert not stale, f"stale (a tfvars size or a price changed): {stale}; run make costs"
    assert not unknown, f"variants of no combination: {sorted(unknown)}; run make costs"


def test_each_environment_is_priced_at_its_own_tfvars_sizes(
    project: Path, engine: ModuleType, prices: dict[str, Any]
) -> None:
    staging, production = (
        bill(engine, project / "terraform", environment, prices)
        for environment in costs.ENVIRONMENTS
    )
    assert staging.item("tasks").name == (
        "1 ARM64 task, 0.25 vCPU / 0.5 GB, 60 h a week (office hours)"
    )
    assert staging.item("database").name == "RDS db.t4g.micro single-AZ, 20 GB gp3"
    assert production.item("tasks").name == "2 ARM64 tasks, 0.5 vCPU / 1 GB"
    assert production.item("database").name == "RDS db.t4g.medium Multi-AZ, 20 GB gp3"
    hours = prices["hours_per_month"]
    arm = prices["fargate"]["ARM64"]
    assert production.item("tasks").monthly == pytest.approx(
        2 * (0.5 * arm["vcpu_hour"] + 1 * arm["gb_hour"]) * hours
    )
    medium = prices["rds"]["instance_hour"]["db.t4g.medium"]
    assert production.item("database").monthly == pytest.approx(
        2 * (medium * hours + 20 * prices["rds"]["gp3_gb_month"])
    )


def test_a_size_changed_in_the_tfvars_changes_the_bill(
    project: Path, engine: ModuleType, prices: dict[str, Any], tmp_path: Path
) -> None:
    terraform = shutil.copytree(project / "terraform", tmp_path / "terraform")
    tfvars = terraform / "environments" / "production.tfvars"

    before = bill(engine, terraform, "production", prices).item("tasks")
    tfvars.write_text(tfvars.read_text().replace("task_cpu         = 512", "task_cpu = 1024"))
    after = bill(engine, terraform, "production", prices).item("tasks")

    assert after.name == "2 ARM64 tasks, 1 vCPU / 1 GB"
    added = after.monthly - before.monthly
    assert added == pytest.approx(
        2 * 0.5 * prices["fargate"]["ARM64"]["vcpu_hour"] * prices["hours_per_month"]
    )


def test_the_firewall_bills_where_the_tfvars_turn_it_on(tmp_path: Path) -> None:
    """With waf=yes, production's example turns the firewall on and staging's leaves it off;
    turning it on in staging's tfvars adds its monthly price there."""
    project = costs.rendered_project(costs.DEFAULT._replace(waf="yes"))
    engine = costs.project_engine(project)
    prices = engine.load_prices(region="")
    waf = prices["waf"]
    production = bill(engine, project / "terraform", "production", prices)
    assert production.item("waf").monthly == pytest.approx(
        waf["web_acl_month"] + waf["rules"] * waf["rule_month"]
    )
    terraform = shutil.copytree(project / "terraform", tmp_path / "terraform")
    staging_tfvars = terraform / "environments" / "staging.tfvars"
    before = bill(engine, terraform, "staging", prices)
    assert "waf" not in {item.kind for item in before.items}
    staging_tfvars.write_text(staging_tfvars.read_text() + "\nwaf_enabled = true\n")
    after = bill(engine, terraform, "staging", prices)
    assert after.total - before.total == pytest.approx(production.item("waf").monthly)
    # A value Terraform would refuse is refused, not read as "on".
    staging_tfvars.write_text(
        staging_tfvars.read_text().replace("waf_enabled = true", "waf_enabled = yes")
    )
    with pytest.raises(ValueError, match="waf_enabled = 'yes' in the tfvars is not true or false"):
        bill(engine, terraform, "staging", prices)


def test_an_instance_class_without_a_price_is_refused(
    project: Path, engine: ModuleType, prices: dict[str, Any]
) -> None:
    settings = engine.environment_settings(project / "terraform", "production")
    settings["database_instance_class"] = "db.r8g.48xlarge"
    with pytest.raises(ValueError, match=r"no price for db\.r8g\.48xlarge: add it"):
        engine.environment_bill(settings, prices)


def test_staging_tasks_are_priced_on_its_office_hours(
    project: Path, engine: ModuleType, prices: dict[str, Any]
) -> None:
    settings = engine.environment_settings(project / "terraform", "staging")
    assert settings["office_hours"]["start"] == "cron(0 8 ? * MON-FRI *)"
    on_office_hours = engine.task_item(settings, prices)
    always_on = engine.task_item({**settings, "office_hours": None}, prices)

    assert on_office_hours.monthly == pytest.approx(always_on.monthly * 60 / 168)


@pytest.mark.parametrize(
    ("start", "stop", "hours"),
    [
        ("cron(0 8 ? * MON-FRI *)", "cron(0 20 ? * MON-FRI *)", 60),
        ("cron(30 7 ? * MON,WED,FRI *)", "cron(0 17 ? * MON,WED,FRI *)", 28.5),
        ("cron(0 22 ? * * *)", "cron(0 6 ? * * *)", 56),
        ("cron(0 9 ? * SAT-SUN *)", "cron(0 13 ? * SAT-SUN *)", 8),
    ],
)
def test_office_hours_are_counted_from_each_start_to_the_next_stop(
    engine: ModuleType, start: str, stop: str, hours: float
) -> None:
    office_hours = {"start": start, "stop": stop, "time_zone": "UTC"}
    assert engine.office_hours_per_week(office_hours) == pytest.approx(hours)


def test_a_paused_environment_bills_what_keeps_running(
    project: Path, engine: ModuleType, prices: dict[str, Any]
) -> None:
    settings = engine.environment_settings(project / "terraform", "production")
    paused = engine.Bill(settings, engine.environment_bill(settings, prices, paused=True))
    kinds = [item.kind for item in paused.items]

    assert "tasks" not in kinds
    assert kinds[:3] == ["load_balancer", "public_ipv4", "nat_gateways"]
    # Multi-AZ: both copies' storage, no instance hours.
    assert paused.item("database").name == "RDS storage while stopped, 20 GB gp3"
    assert paused.item("database").monthly == pytest.approx(2 * 20 * prices["rds"]["gp3_gb_month"])


def run_make_cost(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """scripts/costs.py as `make cost` runs it (with this interpreter, which has python-hcl2)."""
    return subprocess.run(
        [sys.executable, "scripts/costs.py", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_cost_prints_the_figures_docs_costs_md_has(project: Path, engine: ModuleType) -> None:
    docs = (project / "docs" / "costs.md").read_text()
    priced = costs.priced(project)
    for environment in costs.ENVIRONMENTS:
        printed = run_make_cost(project, environment)
        assert printed.returncode == 0, printed.stderr
        running = engine.dollars(priced.bills[environment].total)
        paused = engine.dollars(priced.paused[environment].total)
        totals = [line.split()[-1] for line in printed.stdout.splitlines() if "  total  " in line]
        assert totals == [running, paused]
        assert f"**{running}**" in docs
        assert f"{environment} {paused}" in docs
    assert "(always on, without office_hours: $" in run_make_cost(project, "staging").stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((), "error: ENV is required: add ENV=staging or ENV=production\n"),
        (("prod",), "error: ENV must be staging or production, not 'prod'\n"),
    ],
)
def test_make_cost_refuses_a_bad_environment(
    project: Path, arguments: tuple[str, ...], message: str
) -> None:
    printed = run_make_cost(project, *arguments)

    assert (printed.returncode, printed.stdout, printed.stderr) == (1, "", message)


def test_a_region_the_table_has_is_priced_on_its_own_prices(
    project: Path, engine: ModuleType, prices: dict[str, Any], tmp_path: Path
) -> None:
    table = tmp_path / "prices.toml"
    own_table = project / "scripts" / "prices.toml"
    table.write_text(own_table.read_text() + '\n[regions."eu-west-1".nat_gateway]\nhour = 0.048\n')

    ireland = engine.load_prices("eu-west-1", table)
    elsewhere = engine.load_prices("ap-south-1", table)

    assert (ireland["region"], ireland["nat_gateway"]["hour"]) == ("eu-west-1", 0.048)
    assert ireland["nat_gateway"]["gb_processed"] == prices["nat_gateway"]["gb_processed"]
    assert (elsewhere["region"], elsewhere["nat_gateway"]["hour"]) == ("us-east-1", 0.045)
