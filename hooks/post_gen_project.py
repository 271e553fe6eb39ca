"""Remove what the chosen options do not use, then tell the user what to do next.

Cookiecutter renders this file with the answers before running it; copier runs it unrendered
from `_tasks` and passes the same answers as JSON in argv[1], and its operation in argv[2].
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

PROJECT = Path.cwd()


def remove(*relative_paths: str) -> None:
    for relative_path in relative_paths:
        path = PROJECT / relative_path
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


# The database answers served by PostgreSQL, through SQLAlchemy and Alembic.
SQL_DATABASES = ("postgresql", "aurora-postgresql")
# What only a project with items uses, whatever stores them ({package} is the Python package's
# folder name).
ITEM_FILES = (
    "src/{package}/api/items",
    "tests/api/items",
)
# What only a project on PostgreSQL (RDS or Aurora) uses.
SQL_FILES = (
    "alembic.ini",
    "migrations",
    "src/{package}/db",
    "src/{package}/api/items/queries.py",
    "tests/db",
    "tests/test_migrations.py",
    "terraform/modules/database",
    "terraform/bootstrap/workload_database.tf",
    "terraform/modules/service/database_access.tf",
)
# Files that only some values of an answer use: (answer, the values that keep them, files).
FILES_KEPT_FOR = (
    (
        "database",
        {"postgresql"},
        ("terraform/modules/database/rds.tf", "terraform/modules/database/rds_alarms.tf"),
    ),
    (
        "database",
        {"aurora-postgresql"},
        ("terraform/modules/database/aurora.tf", "terraform/modules/database/aurora_alarms.tf"),
    ),
    (
        "database",
        {"dynamodb"},
        (
            "src/{package}/table.py",
            "src/{package}/local_table.py",
            "scripts/emulator.py",
            "tests/test_table.py",
            "tests/test_local_table.py",
            "terraform/modules/table",
            # The task role's boundary on the table, and its access to it.
            "terraform/bootstrap/workload_table.tf",
            "terraform/modules/service/table_access.tf",
        ),
    ),
    ("https", {"off"}, ("terraform/modules/load_balancer/http_only.tf",)),
    ("https", {"acm-route53", "acm-existing"}, ("terraform/modules/load_balancer/https.tf",)),
    (
        "https",
        {"acm-route53"},
        (
            # The deploy roles' certificate and DNS permissions, and the certificate itself.
            "terraform/bootstrap/deploy_dns.tf",
            "terraform/modules/load_balancer/acm_certificate.tf",
            # CloudFront's certificate in us-east-1, made the same way.
            "terraform/modules/cdn/certificate.tf",
        ),
    ),
    # With CloudFront in front, the load balancer's listener admits only CloudFront.
    (
        "cdn",
        {"no"},
        (
            "terraform/modules/load_balancer/http_only.tf",
            "terraform/modules/load_balancer/https.tf",
        ),
    ),
    (
        "cdn",
        {"yes"},
        (
            "terraform/modules/cdn",
            "terraform/tests/cdn.tftest.hcl",
            "terraform/modules/load_balancer/cloudfront_only.tf",
            # The deploy roles' CloudFront permissions.
            "terraform/bootstrap/deploy_cdn.tf",
        ),
    ),
    (
        "waf",
        {"yes"},
        (
            "terraform/modules/waf",
            "terraform/tests/waf.tftest.hcl",
            # The deploy roles' WAF permissions, and the log delivery's right to its log groups.
            "terraform/bootstrap/deploy_waf.tf",
            "terraform/bootstrap/waf_logs.tf",
        ),
    ),
    (
        "events",
        {"yes"},
        (
            "src/{package}/events.py",
            "src/{package}/api/items/events.py",
            "tests/test_events.py",
            "tests/api/items/test_events.py",
            "docs/events.schema.json",
            "terraform/modules/events",
            "terraform/tests/events.tftest.hcl",
            # The deploy roles' EventBridge and queue permissions, the task role's boundary on
            # publishing, and EventBridge's right to write the event logs.
            "terraform/bootstrap/deploy_events.tf",
            "terraform/bootstrap/event_logs.tf",
            "terraform/bootstrap/workload_events.tf",
            "terraform/modules/service/event_publishing.tf",
        ),
    ),
    (
        "object_storage",
        {"yes"},
        (
            "src/{package}/storage.py",
            "src/{package}/api/items/uploads.py",
            "tests/test_storage.py",
            "tests/api/items/test_uploads.py",
            "terraform/modules/object_storage",
            "terraform/tests/object_storage.tftest.hcl",
            # The deploy roles' bucket permissions, the task role's boundary on uploads.
            "terraform/bootstrap/deploy_object_storage.tf",
            "terraform/bootstrap/workload_object_storage.tf",
            "terraform/modules/service/uploads.tf",
        ),
    ),
)


def remove_unused_files(answers: dict[str, str]) -> None:
    package = answers["package_name"]
    if answers["database"] == "none":
        remove(*(path.format(package=package) for path in ITEM_FILES))
    if answers["database"] not in SQL_DATABASES:
        remove(*(path.format(package=package) for path in SQL_FILES))
    for answer, keeping_values, files in FILES_KEPT_FOR:
        if answers[answer] not in keeping_values:
            remove(*(path.format(package=package) for path in files))


def cost_variant(answers: dict[str, str]) -> str:
    """The docs/costs.md variant of these answers, one of those `make costs` writes."""
    waf = "-waf" if answers["waf"] == "yes" else ""
    return f"{answers['database']}-{answers['nat_gateways']}-{answers['cpu_architecture']}{waf}.md"


def data_variant(database: str) -> str:
    """Which of the app's whole-file variants a database answer takes: sql, dynamodb or none."""
    return "sql" if database in SQL_DATABASES else database


def lock_variant(answers: dict[str, str]) -> str:
    """The dependency set of these answers, one of those `make locks` writes."""
    data = data_variant(answers["database"])
    # AWS calls of the service's own (events, uploads): moto to test them. The DynamoDB
    # variant has moto whatever else it has.
    calls_aws = "yes" in (answers["events"], answers["object_storage"])
    return f"{data}-aws" if calls_aws and data == "sql" else data


def whole_file_variants(answers: dict[str, str]) -> list[tuple[str, str | None, str]]:
    """(folder of variants, the one to keep or None, where it goes) for each file that is one
    whole variant per option: `make locks` and `make costs` write the first two folders, the
    others sit beside the file they become, named `.<file>/`."""
    database = answers["database"]
    has_database = database != "none"
    data = data_variant(database)
    package = f"src/{answers['package_name']}"
    return [
        (".locks", f"{lock_variant(answers)}.uv.lock", "uv.lock"),
        (".costs", cost_variant(answers), "docs/costs.md"),
        (f"{package}/api/.health", f"{data}.py", f"{package}/api/health.py"),
        ("tests/.conftest", f"{data}.py", "tests/conftest.py"),
        ("tests/api/.test_health", f"{data}.py", "tests/api/test_health.py"),
        (
            f"{package}/api/items/.router",
            f"{data}.py" if has_database else None,
            f"{package}/api/items/router.py",
        ),
        (
            "tests/api/items/.test_router",
            f"{data}.py" if has_database else None,
            "tests/api/items/test_router.py",
        ),
        (
            "terraform/modules/service/.containers",
            f"{data}.tf",
            "terraform/modules/service/containers.tf",
        ),
        (
            "terraform/bootstrap/.deploy_database",
            f"{database}.tf" if has_database else None,
            "terraform/bootstrap/deploy_database.tf",
        ),
        (
            "terraform/tests/.database",
            f"{database}.tftest.hcl" if has_database else None,
            "terraform/tests/database.tftest.hcl",
        ),
    ]


def choose_variants(answers: dict[str, str]) -> None:
    for folder, variant, destination in whole_file_variants(answers):
        if variant is not None:
            (PROJECT / destination).parent.mkdir(parents=True, exist_ok=True)
            (PROJECT / folder / variant).replace(PROJECT / destination)
        shutil.rmtree(PROJECT / folder)


def remove_empty_copier_answers() -> None:
    """The copier answers file renders empty under cookiecutter: it has nothing to record."""
    answers_file = PROJECT / ".copier-answers.yml"
    if answers_file.exists() and not answers_file.read_text().strip():
        answers_file.unlink()


def print_next_steps() -> None:
    print(
        f"""
Created {PROJECT.name}/. Next steps (make install needs uv: https://docs.astral.sh/uv/,
e.g. curl -LsSf https://astral.sh/uv/install.sh | sh):

  cd {PROJECT.name}
  git init && git add -A && git commit -m "Initial commit from fargate-service"
  make install       # create the virtualenv from uv.lock
  make run           # serve on http://127.0.0.1:8000 (docs at /docs)
  make test          # the service's own test suite

Then read README.md: "Deploying" takes you from an empty AWS account to `make deploy ENV=staging`.
"""
    )


def main(answers: dict[str, str], operation: str) -> None:
    """operation: copier's "copy" or "update" (cookiecutter only copies). An update renders the
    old and the new template version in scratch folders too, and the project exists already:
    next steps are for a first copy only."""
    # Variants first: some sit in folders that the pruning removes whole.
    choose_variants(answers)
    remove_unused_files(answers)
    remove_empty_copier_answers()
    if operation == "copy":
        print_next_steps()


if __name__ == "__main__":
    if len(sys.argv) > 1:  # copier
        main(json.loads(sys.argv[1]), operation=sys.argv[2])
    else:
        main(json.loads(RENDERED_ANSWERS), operation="copy")
