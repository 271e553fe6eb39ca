"""docs/costs.md: the sizes each combination generates, priced by tools/prices.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tools import costs

PRICES = costs.load_prices()


@pytest.fixture(scope="module")
def default_terraform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return costs.render_project(tmp_path_factory.mktemp("costs")) / "terraform"


def test_the_cost_files_are_what_make_costs_writes() -> None:
    """docs/costs.md and each project's docs/costs.md variant follow the tfvars and prices."""
    expected = costs.expected_files(PRICES)
    stale = [
        path.relative_to(costs.TEMPLATE_ROOT).as_posix()
        for path, text in expected.items()
        if not path.is_file() or path.read_text() != text
    ]
    unknown = set(costs.PROJECT_COSTS_DIR.iterdir()) - set(expected)
    assert not stale, f"stale (a tfvars size or a price changed): {stale}; run make costs"
    assert not unknown, f"variants of no combination: {sorted(unknown)}; run make costs"


def test_each_environment_is_priced_at_its_own_tfvars_sizes(default_terraform: Path) -> None:
    staging, production = (
        costs.Bill(settings, costs.environment_bill(settings, "postgresql", PRICES))
        for settings in (
            costs.environment_settings(default_terraform, environment)
            for environment in costs.ENVIRONMENTS
        )
    )
    assert staging.item("tasks").name == "1 ARM64 task, 0.25 vCPU / 0.5 GB"
    assert staging.item("database").name == "RDS db.t4g.micro single-AZ, 20 GB gp3"
    assert production.item("tasks").name == "2 ARM64 tasks, 0.5 vCPU / 1 GB"
    assert production.item("database").name == "RDS db.t4g.medium Multi-AZ, 20 GB gp3"
    hours = PRICES["hours_per_month"]
    arm = PRICES["fargate"]["ARM64"]
    assert production.item("tasks").monthly == pytest.approx(
        2 * (0.5 * arm["vcpu_hour"] + 1 * arm["gb_hour"]) * hours
    )
    medium = PRICES["rds"]["instance_hour"]["db.t4g.medium"]
    assert production.item("database").monthly == pytest.approx(
        2 * (medium * hours + 20 * PRICES["rds"]["gp3_gb_month"])
    )


def test_a_size_changed_in_the_tfvars_changes_the_bill(
    default_terraform: Path, tmp_path: Path
) -> None:
    terraform = shutil.copytree(default_terraform, tmp_path / "terraform")
    tfvars = terraform / "environments" / "production.tfvars"

    def production_tasks() -> costs.Item:
        settings = costs.environment_settings(terraform, "production")
        return costs.Bill(settings, costs.environment_bill(settings, "postgresql", PRICES)).item(
            "tasks"
        )

    before = production_tasks()
    tfvars.write_text(tfvars.read_text().replace("task_cpu         = 512", "task_cpu = 1024"))
    after = production_tasks()
    assert after.name == "2 ARM64 tasks, 1 vCPU / 1 GB"
    added = after.monthly - before.monthly
    assert added == pytest.approx(
        2 * 0.5 * PRICES["fargate"]["ARM64"]["vcpu_hour"] * PRICES["hours_per_month"]
    )


def test_an_instance_class_without_a_price_is_refused(default_terraform: Path) -> None:
    settings = costs.environment_settings(default_terraform, "production")
    settings["database_instance_class"] = "db.r8g.48xlarge"
    with pytest.raises(ValueError, match=r"no price for db\.r8g\.48xlarge: add it"):
        costs.environment_bill(settings, "postgresql", PRICES)
