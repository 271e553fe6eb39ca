"""What a generated service costs a month: writes docs/costs.md, and each generated
project's docs/costs.md (one variant per combination, in {{cookiecutter.project_slug}}/.costs/).

The bills are the generated project's own (its scripts/costs.py, which `make cost` runs, with
the price table beside it): this prices the tfvars each option combination generates with it. A
size changed in the template therefore changes docs/costs.md, and
tests/tree_hygiene/test_costs.py fails until `make costs` has rewritten them.

    python -m tools.costs    # rewrite them (make costs)
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

from harness.combinations import Combination
from harness.rendering import render
from hooks.post_gen_project import cost_variant
from hooks.questions import CHOICES

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.project_slug}}"
COSTS_FILE = TEMPLATE_ROOT / "docs" / "costs.md"
# one docs/costs.md per combination: the post-generation hook keeps the project's own
PROJECT_COSTS_DIR = PROJECT_TEMPLATE / ".costs"


def project_engine(project: Path) -> ModuleType:
    """A generated project's scripts/costs.py, what its `make cost` runs."""
    path = project / "scripts" / "costs.py"
    spec = importlib.util.spec_from_file_location(f"costs_of_{abs(hash(path))}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    # The project stays as generated: no __pycache__ beside its script.
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes_bytecode
    return module


@dataclass(frozen=True)
class Priced:
    """The two environments of one generated project, priced by the project's own cost script
    and price table (at the table's base region), running and paused."""

    engine: ModuleType  # its scripts/costs.py, which also formats the amounts
    prices: dict[str, Any]
    bills: dict[str, Any]  # by environment, the script's Bill
    paused: dict[str, Any]


def priced(project: Path) -> Priced:
    engine = project_engine(project)
    prices = engine.load_prices(region="")
    settings = {
        environment: engine.environment_settings(project / "terraform", environment)
        for environment in ENVIRONMENTS
    }
    return Priced(
        engine,
        prices,
        {name: engine.Bill(s, engine.environment_bill(s, prices)) for name, s in settings.items()},
        {
            name: engine.Bill(s, engine.environment_bill(s, prices, paused=True))
            for name, s in settings.items()
        },
    )


ENVIRONMENTS = ("staging", "production")
DATABASES = CHOICES["database"]
NAT_GATEWAYS = CHOICES["nat_gateways"]
ARCHITECTURES = CHOICES["cpu_architecture"]
WAF = CHOICES["waf"]


class CostKey(NamedTuple):
    """The answers that change the bill."""

    database: str
    nat_gateways: str
    cpu_architecture: str
    waf: str


# A question's first choice is its default.
DEFAULT = CostKey(*(CHOICES[name][0] for name in CostKey._fields))


def combinations() -> Iterator[CostKey]:
    """Every combination of the answers that change the bill."""
    for database in DATABASES:
        for nat_gateways in NAT_GATEWAYS:
            for cpu_architecture in ARCHITECTURES:
                for waf in WAF:
                    yield CostKey(database, nat_gateways, cpu_architecture, waf)


def rendered_project(key: CostKey) -> Path:
    """The generated project of these answers (https off: it changes no bill), from the
    harness's render cache, which the tests share."""
    combination = Combination(key.database, "off", key.nat_gateways, key.cpu_architecture, key.waf)
    rendered = render(combination.answers)
    if rendered.returncode != 0:
        raise RuntimeError(f"rendering {'/'.join(key)} failed:\n" + rendered.stderr)
    return rendered.project


def every_combination() -> dict[CostKey, Priced]:
    """Each combination priced."""
    return {key: priced(rendered_project(key)) for key in combinations()}


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


def paused_note(database: str, combination: Priced) -> list[str]:
    """A paragraph: the paused totals, and what makes them."""
    paused, engine = combination.paused, combination.engine
    dollars = engine.dollars
    held = {
        "postgresql": "no task, the database stopped",
        "aurora-postgresql": "no task, the database at 0 ACUs with its storage billed as used",
        "dynamodb": "no task; the table bills its storage as used",
        "none": "no task",
    }[database]
    kept = "; ".join(item.name for item in paused["production"].items)
    return paragraph(
        f"Paused (`make pause`: {held}): staging {dollars(paused['staging'].total)}, production"
        f" {dollars(paused['production'].total)} a month. What keeps billing: {kept}."
    )


def bill_table(engine: ModuleType, staging: Any, production: Any) -> list[str]:
    """Two bills side by side: staging's items, then production's."""
    dollars = engine.dollars
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
    engine: ModuleType,
    prices: dict[str, Any],
    bills: dict[str, Any],
    databases: Iterable[str],
    nat: bool,
    waf: bool,
) -> list[str]:
    """What comes on top of the floor, as a Markdown list: the tasks autoscaling adds to these
    bills, and the usage charges of these databases (and of NAT gateways and the web
    application firewall, if any)."""
    dollars, rate = engine.dollars, engine.rate
    address_month = prices["public_ipv4"]["hour"] * prices["hours_per_month"]

    def per_task(bill: Any) -> str:
        task = f"{dollars(bill.item('tasks').monthly / bill.settings['min_capacity'])} a task"
        if bill.settings["nat_gateways"] == "none":  # each task has a public IPv4 address
            task += f" (plus {dollars(address_month)} for its public IPv4 address)"
        return task

    logged = ["the service", "VPC flow logs"]
    if any("postgresql" in database for database in databases):
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
    database_usage = []
    if "postgresql" in databases:
        database_usage.append(
            "RDS: storage autoscaling above the allocated size; backups beyond the database's size."
        )
    if "aurora-postgresql" in databases:  # only a project with Aurora has its prices
        aurora = prices["aurora"]
        database_usage.append(
            f"Aurora: storage at {rate(aurora['storage_gb_month'])} per GB-month, I/O at"
            f" {rate(aurora['io_per_million'])} per million requests, ACUs above the floor at"
            f" {rate(aurora['acu_hour'])} per ACU-hour."
        )
    if "dynamodb" in databases:  # only a project with DynamoDB has its prices
        dynamodb = prices["dynamodb"]
        database_usage.append(
            f"DynamoDB on demand: {rate(dynamodb['write_per_million'])} per million writes,"
            f" {rate(dynamodb['read_per_million'])} per million reads (a strongly consistent"
            " read of up to 4 KB is one; the service's reads are), storage at"
            f" {rate(dynamodb['storage_gb_month'])} per GB-month and point-in-time recovery at"
            f" {rate(dynamodb['pitr_gb_month'])} per GB-month."
        )
    usage[-2:-2] = database_usage
    if waf:  # only a project with the firewall has its prices
        usage.insert(
            2,
            f"Web application firewall requests: {rate(prices['waf']['per_million_requests'])}"
            " per million inspected (in each environment that turns it on).",
        )
        logged.append("the requests the firewall blocks")
    return [line for text in usage for line in paragraph(text, indent="- ")]


def markdown(priced_combinations: dict[CostKey, Priced]) -> str:
    """The template's docs/costs.md: every combination, then each database item by item."""
    # Each project's table holds the prices of what it runs: together, all of them.
    prices: dict[str, Any] = {}
    for combination in priced_combinations.values():
        prices.update(combination.prices)
    by_combination = {key: priced.bills for key, priced in priced_combinations.items()}
    defaults, engine = by_combination[DEFAULT], priced_combinations[DEFAULT].engine
    dollars = engine.dollars
    other_key = DEFAULT._replace(
        cpu_architecture=next(a for a in ARCHITECTURES if a != DEFAULT.cpu_architecture)
    )
    other_architecture = by_combination[other_key]
    with_waf = by_combination[DEFAULT._replace(waf="yes")]
    other_staging_fleet = (
        "Fargate Spot" if other_architecture["staging"].settings["use_fargate_spot"] else "Fargate"
    )
    lines = [
        "# What a generated service costs",
        "",
        "<!-- Written by `make costs` from the generated project's scripts/prices.toml and the",
        "tfvars each combination generates: edit those, then run it. -->",
        "",
        *paragraph(
            f"Monthly estimates ({prices['hours_per_month']} hours) for each environment at its"
            " autoscaling floor (staging's tasks on its office hours), from on-demand prices in"
            f" {prices['region']} as of {prices['as_of']}, before free tier, credits and taxes."
            f" Source: {prices['source']}. Other regions cost up to about 30% more. The figures"
            " compare the options; re-check the prices before you budget to the cent. A"
            " generated project prints its own with `make cost ENV=<env>`, from the same table"
            " (its scripts/prices.toml)."
        ),
        "",
        "## Every combination, per month",
        "",
        *paragraph(
            f"On `{DEFAULT.cpu_architecture}`, the default architecture, without `waf`. Usage"
            " charges come on top (see the last section)."
        ),
        "",
        "| database | nat_gateways | staging | production |",
        "|---|---|---|---|",
    ]
    for key, bill in by_combination.items():
        if key.cpu_architecture == DEFAULT.cpu_architecture and key.waf == DEFAULT.waf:
            lines.append(
                f"| `{key.database}` | `{key.nat_gateways}` | {dollars(bill['staging'].total)} "
                f"| {dollars(bill['production'].total)} |"
            )
    lines += [
        "",
        *paragraph(
            "`https` changes nothing here: public ACM certificates are free, and `acm-route53`"
            " uses a hosted zone you already have (a zone has a monthly charge of its own, if you"
            " create one for it)."
        ),
        "",
        *paragraph(
            f"With `cpu_architecture={other_key.cpu_architecture}` instead, the other defaults"
            f" unchanged: {dollars(other_architecture['staging'].total)} for staging (on"
            f" {other_staging_fleet}) and {dollars(other_architecture['production'].total)} for"
            " production."
        ),
        "",
        *paragraph(
            "With `waf=yes`, the other defaults unchanged: production"
            f" {dollars(with_waf['production'].total)}, with its web application firewall"
            f" ({dollars(with_waf['production'].item('waf').monthly)}; its example tfvars turn it"
            f" on), and staging {dollars(with_waf['staging'].total)} (off in its example)."
        ),
    ]
    for database in DATABASES:
        combination = priced_combinations[DEFAULT._replace(database=database)]
        lines += [
            "",
            f"## Item by item: `database={database}`, the other defaults",
            "",
            *bill_table(
                combination.engine, combination.bills["staging"], combination.bills["production"]
            ),
            "",
            *paused_note(database, combination),
        ]
    lines += [
        "",
        "## What the totals leave out: usage",
        "",
        *usage_notes(engine, prices, defaults, DATABASES, nat=True, waf=False),
    ]
    return "\n".join(lines) + "\n"


def variant_name(key: CostKey) -> str:
    """The file in PROJECT_COSTS_DIR the post-generation hook keeps as docs/costs.md."""
    return cost_variant(key._asdict())


def project_markdown(key: CostKey, combination: Priced) -> str:
    """docs/costs.md of a generated project: its own two environments, item by item."""
    prices, bill = combination.prices, combination.bills
    lines = [
        "# What this service costs",
        "",
        *paragraph(
            f"Monthly estimates ({prices['hours_per_month']} hours) for each environment at its"
            " autoscaling floor (on its office hours, if it has them), at the sizes"
            " `terraform/environments/*.tfvars` had when this repository was generated, from"
            f" on-demand prices in {prices['region']} as of {prices['as_of']}, before free tier,"
            f" credits and taxes. Source: {prices['source']}."
            " Other regions cost up to about 30% more. A size you change in the tfvars changes its"
            " line; re-check the prices before you budget to the cent."
        ),
        "",
        *bill_table(combination.engine, bill["staging"], bill["production"]),
        "",
        *paused_note(key.database, combination),
        "",
        *paragraph(
            "`make cost ENV=<env>` prints the same from the environment's tfvars as they are now:"
            " running (and always on, when it has office hours) and paused."
        ),
        "",
        "## What the totals leave out: usage",
        "",
        *usage_notes(
            combination.engine,
            prices,
            bill,
            (key.database,),
            nat=key.nat_gateways != "none",
            waf=key.waf == "yes",
        ),
    ]
    return "\n".join(lines) + "\n"


def expected_files() -> dict[Path, str]:
    """docs/costs.md and every project variant, as `make costs` writes them."""
    # Rendering needs the variant of each combination to exist (the hook moves it into place);
    # its content does not matter to the sizes, so a new combination starts from an empty one.
    PROJECT_COSTS_DIR.mkdir(exist_ok=True)
    for answers in combinations():
        (PROJECT_COSTS_DIR / variant_name(answers)).touch()
    priced_combinations = every_combination()
    files = {COSTS_FILE: markdown(priced_combinations)}
    for key, combination in priced_combinations.items():
        files[PROJECT_COSTS_DIR / variant_name(key)] = project_markdown(key, combination)
    return files


def main() -> int:
    files = expected_files()
    for stale in set(PROJECT_COSTS_DIR.iterdir()) - set(files):
        stale.unlink()
    for path, text in files.items():
        path.write_text(text)
    print(f"wrote {COSTS_FILE.relative_to(TEMPLATE_ROOT)} and {len(files) - 1} project variants")
    return 0


if __name__ == "__main__":
    sys.exit(main())
