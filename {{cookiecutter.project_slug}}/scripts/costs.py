"""What an environment costs a month, from its tfvars and the price table beside this file.

    python scripts/costs.py ENV             running (always on, and on office hours if it has
                                            them) and paused (make cost)
    python scripts/costs.py ENV --paused    what still bills while paused (make pause)

The sizes are the environment's: terraform/environments/ENV.tfvars over the variables'
defaults. Usage charges (traffic, logs, storage growth) come on top; the notes say which.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRICES_FILE = Path(__file__).resolve().parent / "prices.toml"
ENVIRONMENTS = ("staging", "production")
HOURS_PER_WEEK = 168
# The metrics the alarms read (a metric-math alarm bills each): the service's in
# terraform/modules/monitoring/alarms.tf (two 5xx rates of two metrics each, p99, unhealthy
# targets, CPU, memory, and tasks below desired of two).
SERVICE_ALARM_METRICS = 10
{% if 'postgresql' in cookiecutter.database %}
# The database's, in terraform/modules/database: CPU, capacity, connections, memory.
DATABASE_ALARM_METRICS = 4
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}
# The table's, in terraform/modules/table: throttled reads and throttled writes, one alarm.
TABLE_ALARM_METRICS = 2
{% endif %}
WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
OFFICE_HOURS_CRON = re.compile(r"^cron\((\d+) (\d+) \? \* (\S+) \*\)$")


@dataclass(frozen=True)
class Item:
    """One line of an environment's bill."""

    kind: str  # what is billed, e.g. "tasks": the same in every project
    name: str  # what this environment runs of it, e.g. "2 tasks, 0.5 vCPU / 1 GB"
    monthly: float


@dataclass(frozen=True)
class Bill:
    """An environment's settings and what they cost a month at its autoscaling floor."""

    settings: dict[str, Any]
    items: list[Item]

    @property
    def total(self) -> float:
        return sum(item.monthly for item in self.items)

    def item(self, kind: str) -> Item:
        return next(item for item in self.items if item.kind == kind)


def load_prices(region: str, path: Path = PRICES_FILE) -> dict[str, Any]:
    """The price table for a region: its own prices where the table has them (under
    [regions."<region>"]), the table's base region's otherwise; "region" says which."""
    table = tomllib.loads(path.read_text())
    regions = table.pop("regions", {})
    if region in regions:
        for section, values in regions[region].items():
            if isinstance(values, dict):
                table[section] = {**table.get(section, {}), **values}
            else:
                table[section] = values
        table["region"] = region
    return table


def hcl_value(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals: drop them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, dict):
        return {hcl_value(key): hcl_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [hcl_value(item) for item in value]
    return value


def variable_defaults(variables_tf: Path) -> dict[str, Any]:
    blocks = hcl2.loads(variables_tf.read_text())["variable"]
    return {
        hcl_value(name): hcl_value(body["default"])
        for block in blocks
        for name, body in block.items()
        if "default" in body
    }


def environment_settings(terraform_dir: Path, environment: str) -> dict[str, Any]:
    """The root variables an environment applies with: its tfvars over the defaults."""
    tfvars_file = terraform_dir / "environments" / f"{environment}.tfvars"
    if not tfvars_file.is_file():
        raise ValueError(f"{tfvars_file} does not exist")
    settings = variable_defaults(terraform_dir / "variables.tf")
    tfvars = hcl2.loads(tfvars_file.read_text())
    settings.update({name: hcl_value(value) for name, value in tfvars.items() if name[0] != "_"})
{% if cookiecutter.database == 'postgresql' %}
    # The storage the database module starts the instance with.
    database = variable_defaults(terraform_dir / "modules" / "database" / "variables.tf")
    settings.setdefault("database_allocated_storage", database["allocated_storage"])
{% endif %}
    return settings


def switched_on(settings: dict[str, Any], name: str) -> bool:
    """A true/false setting, refused when the tfvars give it anything else (Terraform would)."""
    value = settings[name]
    if not isinstance(value, bool):
        raise ValueError(f"{name} = {value!r} in the tfvars is not true or false")
    return value


def weekdays(field: str) -> set[str]:
    """The days of a cron day-of-week field: *, MON-FRI, MON,WED,FRI, SAT-SUN."""
    if field == "*":
        return set(WEEKDAYS)
    days: set[str] = set()
    for part in field.split(","):
        first, _, last = part.partition("-")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.update(WEEKDAYS[start : end + 1])
    return days


def office_hours_per_week(office_hours: dict[str, str]) -> float:
    """Hours a week the service runs on office hours: from each start to the next stop, on
    the start's days."""
    start, stop = (OFFICE_HOURS_CRON.match(office_hours[key]) for key in ("start", "stop"))
    if start is None or stop is None:
        raise ValueError(
            "office_hours start and stop must be cron(minutes hours ? * days *), e.g. "
            f"cron(0 8 ? * MON-FRI *), not {office_hours['start']!r} / {office_hours['stop']!r}"
        )
    opens = int(start.group(2)) * 60 + int(start.group(1))
    closes = int(stop.group(2)) * 60 + int(stop.group(1))
    open_minutes = (closes - opens) % (24 * 60)
    return len(weekdays(start.group(3))) * open_minutes / 60


def counted(count: float, thing: str) -> str:
    plural = "" if count == 1 else "es" if thing.endswith("s") else "s"
    return f"{count:g} {thing}{plural}"


def environment_bill(
    settings: dict[str, Any], prices: dict[str, Any], *, paused: bool = False
) -> list[Item]:
    """The running costs of one environment at its autoscaling floor (on its office hours, if
    it has them), before usage charges; or, paused (make pause), what still bills."""
    hours = prices["hours_per_month"]
    zones = settings["availability_zone_count"]
    tasks = 0 if paused else settings["min_capacity"]
    nat_count = {"none": 0, "single": 1, "one-per-az": zones}[settings["nat_gateways"]]
    public_addresses = zones + nat_count + (tasks if nat_count == 0 else 0)

    load_balancer = prices["load_balancer"]
    bill = [
        Item(
            "load_balancer",
            "load balancer (one LCU)",
            (load_balancer["hour"] + load_balancer["assumed_lcus"] * load_balancer["lcu_hour"])
            * hours,
        )
    ]
    if not paused:
        bill.append(task_item(settings, prices))
    bill.append(
        Item(
            "public_ipv4",
            counted(public_addresses, "public IPv4 address"),
            public_addresses * prices["public_ipv4"]["hour"] * hours,
        )
    )
    if nat_count:
        bill.append(
            Item(
                "nat_gateways",
                counted(nat_count, "NAT gateway"),
                nat_count * prices["nat_gateway"]["hour"] * hours,
            )
        )
{% if cookiecutter.database == 'postgresql' %}
    # Paused, the instance is stopped: its storage still bills.
    bill.append(rds_item(settings, prices, paused=paused))
{% endif %}
{% if cookiecutter.database == 'aurora-postgresql' %}
    # Paused, the cluster is at 0 ACUs: its storage bills as used.
    if not paused:
        bill.append(aurora_item(settings, prices))
{% endif %}
{% if 'postgresql' in cookiecutter.database %}
    bill.append(Item("secret", "database secret", prices["secrets_manager"]["secret_month"]))
    alarm_metrics = SERVICE_ALARM_METRICS + DATABASE_ALARM_METRICS
{% endif %}
{% if cookiecutter.database == 'dynamodb' %}
    # On demand: requests and storage bill as they are used, so an idle table costs nothing.
    bill.append(Item("database", "DynamoDB on demand: requests and storage as used", 0.0))
    alarm_metrics = SERVICE_ALARM_METRICS + TABLE_ALARM_METRICS
{% endif %}
{% if cookiecutter.database == 'none' %}
    alarm_metrics = SERVICE_ALARM_METRICS
{% endif %}
    container_insights = prices["container_insights"]
    bill += [
        Item("kms_key", "environment KMS key", prices["kms"]["key_month"]),
        Item(
            "alarms",
            f"{alarm_metrics} alarm metrics and the dashboard",
            alarm_metrics * prices["cloudwatch"]["alarm_metric_month"]
            + prices["cloudwatch"]["dashboard_month"],
        ),
        Item(
            "container_insights",
            "Container Insights metrics",
            container_insights["metrics"] * container_insights["metric_month"],
        ),
    ]
{% if cookiecutter.waf == 'yes' %}
    if switched_on(settings, "waf_enabled"):
        waf = prices["waf"]
        bill.append(
            Item(
                "waf",
                f"web application firewall ({waf['rules']} rules)",
                waf["web_acl_month"] + waf["rules"] * waf["rule_month"],
            )
        )
{% endif %}
    return bill


def task_item(settings: dict[str, Any], prices: dict[str, Any]) -> Item:
    tasks = settings["min_capacity"]
    fargate = prices["fargate"][settings["cpu_architecture"]]
    task_hour = (
        settings["task_cpu"] / 1024 * fargate["vcpu_hour"]
        + settings["task_memory"] / 1024 * fargate["gb_hour"]
    )
    on_spot = switched_on(settings, "use_fargate_spot")
    if on_spot:
        task_hour *= 1 - prices["fargate_spot"]["discount"]
    spot = ", Fargate Spot" if on_spot else ""
    size = f"{settings['task_cpu'] / 1024:g} vCPU / {settings['task_memory'] / 1024:g} GB"
    running_hours = prices["hours_per_month"]
    schedule = ""
    if settings.get("office_hours"):
        week = office_hours_per_week(settings["office_hours"])
        running_hours *= week / HOURS_PER_WEEK
        schedule = f", {week:g} h a week (office hours)"
    name = f"{counted(tasks, settings['cpu_architecture'] + ' task')}, {size}{spot}{schedule}"
    return Item("tasks", name, tasks * task_hour * running_hours)


{% if cookiecutter.database == 'postgresql' %}
def rds_item(settings: dict[str, Any], prices: dict[str, Any], *, paused: bool) -> Item:
    copies = 2 if settings["database_multi_az"] else 1
    instance_class = settings["database_instance_class"]
    if instance_class not in prices["rds"]["instance_hour"]:
        raise ValueError(
            f"scripts/prices.toml has no price for {instance_class}: add it to [rds.instance_hour]"
        )
    storage = settings["database_allocated_storage"]
    storage_month = copies * storage * prices["rds"]["gp3_gb_month"]
    if paused:
        return Item("database", f"RDS storage while stopped, {storage} GB gp3", storage_month)
    layout = "Multi-AZ" if copies == 2 else "single-AZ"
    instance_month = (
        copies * prices["rds"]["instance_hour"][instance_class] * prices["hours_per_month"]
    )
    return Item(
        "database",
        f"RDS {instance_class} {layout}, {storage} GB gp3",
        instance_month + storage_month,
    )


{% endif %}
{% if cookiecutter.database == 'aurora-postgresql' %}
def aurora_item(settings: dict[str, Any], prices: dict[str, Any]) -> Item:
    instances = settings["database_instance_count"]
    floor = settings["database_min_capacity"]
    return Item(
        "database",
        f"Aurora Serverless v2, {counted(instances, 'instance')} at {floor:g} ACU",
        instances * floor * prices["aurora"]["acu_hour"] * prices["hours_per_month"],
    )


{% endif %}
def dollars(amount: float) -> str:
    """A monthly amount: whole dollars, cents below $10."""
    return f"${amount:,.0f}" if amount >= 10 else f"${amount:,.2f}"


def rate(price: float) -> str:
    """A unit price, as precise as the price table and at least to the cent."""
    decimals = len(f"{price:g}".partition(".")[2])
    return f"${price:.{max(2, decimals)}f}"


def bill_lines(title: str, bill: Bill) -> list[str]:
    width = max(len(item.name) for item in bill.items)
    lines = [title]
    lines += [f"  {item.name:<{width}}  {dollars(item.monthly):>8}" for item in bill.items]
    lines.append(f"  {'total':<{width}}  {dollars(bill.total):>8}")
    return lines


def report(environment: str, *, paused_only: bool = False) -> str:
    """What `make cost` (or, paused_only, `make pause`) prints for an environment."""
    terraform_dir = PROJECT_ROOT / "terraform"
    settings = environment_settings(terraform_dir, environment)
    prices = load_prices(settings["aws_region"])
    paused = Bill(settings, environment_bill(settings, prices, paused=True))
    where = prices["region"]
    source = f"On-demand prices in {where} as of {prices['as_of']} (scripts/prices.toml)"
    if where != settings["aws_region"]:
        source += f"; {settings['aws_region']} costs up to about 30% more"
    lines = []
    if not paused_only:
        running = Bill(settings, environment_bill(settings, prices))
        lines += bill_lines(f"{environment}, running, per month:", running)
        if settings.get("office_hours"):
            always_on = {**settings, "office_hours": None}
            always = Bill(always_on, environment_bill(always_on, prices))
            lines.append(f"  (always on, without office_hours: {dollars(always.total)})")
        lines.append("")
    lines += bill_lines(f"{environment}, paused (make pause), per month:", paused)
{% if cookiecutter.database == 'aurora-postgresql' %}
    lines.append("  and the cluster's storage, as used")
{% endif %}
    lines += [
        "",
        f"{source},",
        "before free tier, credits, taxes and usage (traffic, logs, storage growth): see"
        " docs/costs.md.",
    ]
    return "\n".join(lines)


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("environment", nargs="?", default="", help="staging or production")
    parser.add_argument("--paused", action="store_true", help="only what bills while paused")
    options = parser.parse_args(arguments)
    if options.environment not in ENVIRONMENTS:
        problem = (
            "ENV is required: add ENV=staging or ENV=production"
            if not options.environment
            else f"ENV must be staging or production, not '{options.environment}'"
        )
        print(f"error: {problem}", file=sys.stderr)
        return 1
    try:
        print(report(options.environment, paused_only=options.paused))
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
