"""What a generated service costs a month: writes docs/costs.md, and each generated
project's docs/costs.md (one variant per combination, in {{cookiecutter.project_slug}}/.costs/).

The sizes come from the Terraform each option combination generates (its environments' tfvars
over the variables' defaults), the unit prices from tools/prices.toml. A size changed in the
template therefore changes docs/costs.md, and tests/tree_hygiene/test_costs.py fails until
`make costs` has rewritten them.

    python -m tools.costs    # rewrite them (make costs)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from hooks.questions import CHOICES

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
PRICES_FILE = TEMPLATE_ROOT / "tools" / "prices.toml"
COSTS_FILE = TEMPLATE_ROOT / "docs" / "costs.md"
# one docs/costs.md per combination: the post-generation hook keeps the project's own
PROJECT_COSTS_DIR = TEMPLATE_ROOT / "{{cookiecutter.project_slug}}" / ".costs"

ENVIRONMENTS = ("staging", "production")
DATABASES = CHOICES["database"]
NAT_GATEWAYS = CHOICES["nat_gateways"]
ARCHITECTURES = CHOICES["cpu_architecture"]
# A question's first choice is its default.
DEFAULTS = {name: CHOICES[name][0] for name in ("database", "nat_gateways", "cpu_architecture")}


@dataclass(frozen=True)
class Item:
    """One line of an environment's bill."""

    kind: str  # what is billed, e.g. "tasks": the same in every combination
    name: str  # what this combination runs of it, e.g. "2 ARM64 tasks, 0.5 vCPU / 1 GB"
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


def hcl_value(value: Any) -> Any:
    """python-hcl2 keeps the quotes of string literals: drop them."""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
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
    """The root variables an environment applies with: its tfvars over the defaults, plus the
    module defaults the root module does not set."""
    tfvars = hcl2.loads((terraform_dir / "environments" / f"{environment}.tfvars").read_text())
    settings = variable_defaults(terraform_dir / "variables.tf")
    settings.update({name: hcl_value(value) for name, value in tfvars.items() if name[0] != "_"})
    network = variable_defaults(terraform_dir / "modules" / "network" / "variables.tf")
    settings["availability_zone_count"] = network["availability_zone_count"]
    database_module = terraform_dir / "modules" / "database" / "variables.tf"
    if database_module.is_file():
        database = variable_defaults(database_module)
        if "allocated_storage" in database:  # RDS; Aurora's storage grows with use
            settings.setdefault("database_allocated_storage", database["allocated_storage"])
    return settings


def environment_bill(settings: dict[str, Any], database: str, prices: dict[str, Any]) -> list[Item]:
    """The running costs of one environment at its autoscaling floor, before usage charges."""
    hours = prices["hours_per_month"]
    zones = settings["availability_zone_count"]
    tasks = settings["min_capacity"]
    nat_count = {"none": 0, "single": 1, "one-per-az": zones}[settings["nat_gateways"]]
    public_addresses = zones + nat_count + (tasks if nat_count == 0 else 0)

    load_balancer = prices["load_balancer"]
    fargate = prices["fargate"][settings["cpu_architecture"]]
    task_hour = (
        settings["task_cpu"] / 1024 * fargate["vcpu_hour"]
        + settings["task_memory"] / 1024 * fargate["gb_hour"]
    )
    if settings["use_fargate_spot"]:
        task_hour *= 1 - prices["fargate_spot"]["discount"]
    spot = ", Fargate Spot" if settings["use_fargate_spot"] else ""
    task_size = f"{settings['task_cpu'] / 1024:g} vCPU / {settings['task_memory'] / 1024:g} GB"

    bill = [
        Item(
            "load_balancer",
            "load balancer (one LCU)",
            (load_balancer["hour"] + load_balancer["assumed_lcus"] * load_balancer["lcu_hour"])
            * hours,
        ),
        Item(
            "tasks",
            f"{counted(tasks, settings['cpu_architecture'] + ' task')}, {task_size}{spot}",
            tasks * task_hour * hours,
        ),
        Item(
            "public_ipv4",
            counted(public_addresses, "public IPv4 address"),
            public_addresses * prices["public_ipv4"]["hour"] * hours,
        ),
    ]
    if nat_count:
        bill.append(
            Item(
                "nat_gateways",
                counted(nat_count, "NAT gateway"),
                nat_count * prices["nat_gateway"]["hour"] * hours,
            )
        )
    if database == "postgresql":
        copies = 2 if settings["database_multi_az"] else 1
        instance_class = settings["database_instance_class"]
        if instance_class not in prices["rds"]["instance_hour"]:
            raise ValueError(
                f"tools/prices.toml has no price for {instance_class}:"
                " add it to [rds.instance_hour]"
            )
        storage = settings["database_allocated_storage"]
        layout = "Multi-AZ" if copies == 2 else "single-AZ"
        bill.append(
            Item(
                "database",
                f"RDS {instance_class} {layout}, {storage} GB gp3",
                copies
                * (
                    prices["rds"]["instance_hour"][instance_class] * hours
                    + storage * prices["rds"]["gp3_gb_month"]
                ),
            )
        )
    elif database == "aurora-postgresql":
        instances = settings["database_instance_count"]
        floor = settings["database_min_capacity"]
        bill.append(
            Item(
                "database",
                f"Aurora Serverless v2, {counted(instances, 'instance')} at {floor:g} ACU",
                instances * floor * prices["aurora"]["acu_hour"] * hours,
            )
        )
    if database != "none":
        bill.append(Item("secret", "database secret", prices["secrets_manager"]["secret_month"]))
    container_insights = prices["container_insights"]
    bill += [
        Item("kms_key", "environment KMS key", prices["kms"]["key_month"]),
        Item(
            "container_insights",
            "Container Insights metrics",
            container_insights["metrics"] * container_insights["metric_month"],
        ),
    ]
    return bill


def dollars(amount: float) -> str:
    """A monthly amount: whole dollars, cents below $10."""
    return f"${amount:,.0f}" if amount >= 10 else f"${amount:,.2f}"


def rate(price: float) -> str:
    """A unit price, as precise as the price table and at least to the cent."""
    decimals = len(f"{price:g}".partition(".")[2])
    return f"${price:.{max(2, decimals)}f}"


def counted(count: int, thing: str) -> str:
    return f"{count} {thing}" + ("" if count == 1 else "es" if thing.endswith("s") else "s")


def render_project(output_dir: Path, **answers: str) -> Path:
    """Render the template with these answers, quietly (the hook prints next steps)."""
    arguments = [f"{name}={value}" for name, value in answers.items()]
    subprocess.run(
        [
            *(sys.executable, "-m", "cookiecutter", str(TEMPLATE_ROOT), "--no-input"),
            *("--output-dir", str(output_dir), "github_repository=acme/orders-api", *arguments),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (project,) = output_dir.iterdir()
    return project


def combinations() -> Iterator[dict[str, str]]:
    """Every answer that changes the bill: database x nat_gateways x cpu_architecture."""
    for database in DATABASES:
        for nat_gateways in NAT_GATEWAYS:
            for cpu_architecture in ARCHITECTURES:
                yield {
                    "database": database,
                    "nat_gateways": nat_gateways,
                    "cpu_architecture": cpu_architecture,
                }


def bills(prices: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Bill]]:
    """The bill of each environment, by (database, nat_gateways, cpu_architecture)."""
    result = {}
    with tempfile.TemporaryDirectory(prefix="costs-") as scratch:
        for index, answers in enumerate(combinations()):
            project = render_project(Path(scratch) / str(index), **answers)
            key = (answers["database"], answers["nat_gateways"], answers["cpu_architecture"])
            result[key] = {}
            for environment in ENVIRONMENTS:
                settings = environment_settings(project / "terraform", environment)
                items = environment_bill(settings, answers["database"], prices)
                result[key][environment] = Bill(settings, items)
    return result


def paragraph(text: str, indent: str = "") -> list[str]:
    """Prose wrapped as the repository's Markdown is, at 100 columns."""
    return textwrap.wrap(
        text,
        width=100,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_on_hyphens=False,
        break_long_words=False,
    )


def bill_table(staging: Bill, production: Bill) -> list[str]:
    """Two bills side by side: staging's items, then production's."""
    lines = ["| staging | | production | |", "|---|---|---|---|"]
    for index in range(max(len(staging.items), len(production.items))):
        cells = []
        for bill in (staging, production):
            item = bill.items[index] if index < len(bill.items) else None
            cells += [item.name, dollars(item.monthly)] if item else ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    totals = [f"**total** | **{dollars(bill.total)}**" for bill in (staging, production)]
    lines.append("| " + " | ".join(totals) + " |")
    return lines


def usage_notes(
    prices: dict[str, Any], bills: dict[str, Bill], databases: Iterable[str], nat: bool
) -> list[str]:
    """What comes on top of the floor, as a Markdown list: the tasks autoscaling adds to these
    bills, and the usage charges of these databases (and of NAT gateways, if any)."""
    address_month = prices["public_ipv4"]["hour"] * prices["hours_per_month"]

    def per_task(bill: Bill) -> str:
        task = f"{dollars(bill.item('tasks').monthly / bill.settings['min_capacity'])} a task"
        if bill.settings["nat_gateways"] == "none":  # each task has a public IPv4 address
            task += f" (plus {dollars(address_month)} for its public IPv4 address)"
        return task

    logged = ["the service", "VPC flow logs"]
    if any(database != "none" for database in databases):
        logged.append("the database's logs")
    usage = [
        "Tasks above the floor, while autoscaling runs them: "
        + "; ".join(
            f"{environment} {per_task(bill)}, up to {bill.settings['max_capacity']} tasks"
            for environment, bill in bills.items()
        )
        + ".",
        f"Load balancer capacity above one LCU: {rate(prices['load_balancer']['lcu_hour'])} per"
        " LCU-hour.",
        f"CloudWatch Logs: {rate(prices['cloudwatch_logs']['ingest_gb'])} per GB ingested,"
        f" {rate(prices['cloudwatch_logs']['storage_gb_month'])} per GB-month kept"
        f" ({', '.join(logged)}).",
        "Shared by both environments (`make bootstrap`): the bootstrap KMS key"
        f" ({dollars(prices['kms']['key_month'])}), ECR storage"
        f" ({rate(prices['ecr']['storage_gb_month'])} per GB-month; the lifecycle policy expires"
        " old images) and the state bucket (pennies, at"
        f" {rate(prices['s3']['storage_gb_month'])} per GB-month).",
        "Data transfer out to the internet.",
    ]
    if nat:
        usage.insert(
            2,
            f"NAT gateway data: {rate(prices['nat_gateway']['gb_processed'])} per GB processed"
            " (image pulls go through it; with `nat_gateways=none` there is no such charge).",
        )
    database_usage = {
        "postgresql": "RDS: storage autoscaling above the allocated size; backups beyond the"
        " database's size.",
        "aurora-postgresql": f"Aurora: storage at {rate(prices['aurora']['storage_gb_month'])}"
        f" per GB-month, I/O at {rate(prices['aurora']['io_per_million'])} per million"
        f" requests, ACUs above the floor at {rate(prices['aurora']['acu_hour'])} per ACU-hour.",
    }
    usage[-2:-2] = [
        database_usage[database] for database in databases if database in database_usage
    ]
    return [line for text in usage for line in paragraph(text, indent="- ")]


def markdown(
    prices: dict[str, Any], by_combination: dict[tuple[str, str, str], dict[str, Bill]]
) -> str:
    """The template's docs/costs.md: every combination, then each database item by item."""
    default_key = (DEFAULTS["database"], DEFAULTS["nat_gateways"], DEFAULTS["cpu_architecture"])
    defaults = by_combination[default_key]
    other_key = next(key for key in by_combination if key[2] != DEFAULTS["cpu_architecture"])
    other_architecture = by_combination[other_key]
    other_staging_fleet = (
        "Fargate Spot" if other_architecture["staging"].settings["use_fargate_spot"] else "Fargate"
    )
    lines = [
        "# What a generated service costs",
        "",
        "<!-- Written by `make costs` from tools/prices.toml and the tfvars each combination",
        "generates: edit those, then run it. -->",
        "",
        *paragraph(
            f"Monthly estimates ({prices['hours_per_month']} hours) for each environment at its"
            f" autoscaling floor, from on-demand prices in {prices['region']} as of"
            f" {prices['as_of']}, before free tier, credits and taxes. Source: {prices['source']}."
            " Other regions cost up to about 30% more. The figures compare the options; re-check"
            " the prices before you budget to the cent."
        ),
        "",
        "## Every combination, per month",
        "",
        *paragraph(
            f"On `{DEFAULTS['cpu_architecture']}`, the default architecture. Usage charges come on"
            " top (see the last section)."
        ),
        "",
        "| database | nat_gateways | staging | production |",
        "|---|---|---|---|",
    ]
    for (database, nat_gateways, architecture), bill in by_combination.items():
        if architecture == DEFAULTS["cpu_architecture"]:
            lines.append(
                f"| `{database}` | `{nat_gateways}` | {dollars(bill['staging'].total)} "
                f"| {dollars(bill['production'].total)} |"
            )
    lines += [
        "",
        *paragraph(
            "`https` changes nothing here: public ACM certificates are free, and `acm-route53`"
            " uses a hosted zone you already have"
            f" ({dollars(prices['route53']['hosted_zone_month'])} a month if you create one for"
            " it)."
        ),
        "",
        *paragraph(
            f"With `cpu_architecture={other_key[2]}` instead, the other defaults unchanged:"
            f" {dollars(other_architecture['staging'].total)} for staging (on"
            f" {other_staging_fleet}) and {dollars(other_architecture['production'].total)} for"
            " production."
        ),
    ]
    for database in DATABASES:
        bill = by_combination[(database, DEFAULTS["nat_gateways"], DEFAULTS["cpu_architecture"])]
        lines += [
            "",
            f"## Item by item: `database={database}`, the other defaults",
            "",
            *bill_table(bill["staging"], bill["production"]),
        ]
    lines += [
        "",
        "## What the totals leave out: usage",
        "",
        *usage_notes(prices, defaults, DATABASES, nat=True),
    ]
    return "\n".join(lines) + "\n"


def load_prices() -> dict[str, Any]:
    return tomllib.loads(PRICES_FILE.read_text())


def variant_name(database: str, nat_gateways: str, cpu_architecture: str) -> str:
    """The file in PROJECT_COSTS_DIR the post-generation hook keeps as docs/costs.md."""
    return f"{database}-{nat_gateways}-{cpu_architecture}.md"


def project_markdown(
    prices: dict[str, Any], key: tuple[str, str, str], bill: dict[str, Bill]
) -> str:
    """docs/costs.md of a generated project: its own two environments, item by item."""
    database, nat_gateways, _ = key
    lines = [
        "# What this service costs",
        "",
        *paragraph(
            f"Monthly estimates ({prices['hours_per_month']} hours) for each environment at its"
            " autoscaling floor, at the sizes `terraform/environments/*.tfvars` had when this"
            f" repository was generated, from on-demand prices in {prices['region']} as of"
            f" {prices['as_of']}, before free tier, credits and taxes. Source: {prices['source']}."
            " Other regions cost up to about 30% more. A size you change in the tfvars changes its"
            " line; re-check the prices before you budget to the cent."
        ),
        "",
        *bill_table(bill["staging"], bill["production"]),
        "",
        "## What the totals leave out: usage",
        "",
        *usage_notes(prices, bill, (database,), nat=nat_gateways != "none"),
    ]
    return "\n".join(lines) + "\n"


def expected_files(prices: dict[str, Any]) -> dict[Path, str]:
    """docs/costs.md and every project variant, as `make costs` writes them."""
    # Rendering needs the variant of each combination to exist (the hook moves it into place);
    # its content does not matter to the sizes, so a new combination starts from an empty one.
    PROJECT_COSTS_DIR.mkdir(exist_ok=True)
    for answers in combinations():
        (PROJECT_COSTS_DIR / variant_name(**answers)).touch()
    by_combination = bills(prices)
    files = {COSTS_FILE: markdown(prices, by_combination)}
    for key, bill in by_combination.items():
        files[PROJECT_COSTS_DIR / variant_name(*key)] = project_markdown(prices, key, bill)
    return files


def main() -> int:
    files = expected_files(load_prices())
    for stale in set(PROJECT_COSTS_DIR.iterdir()) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text)
    print(f"wrote {COSTS_FILE.relative_to(TEMPLATE_ROOT)} and {len(files) - 1} project variants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
