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


# What only a project with a database uses ({package} is the Python package's folder name).
DATABASE_FILES = (
    "alembic.ini",
    "migrations",
    "src/{package}/db",
    "src/{package}/api/items.py",
    "tests/test_credentials.py",
    "tests/test_items.py",
    "tests/test_migrations.py",
    "tests/test_reads.py",
    "terraform/modules/database",
    "terraform/tests/database.tftest.hcl",
    "terraform/bootstrap/deploy_database.tf",
    "terraform/bootstrap/workload_database.tf",
    "terraform/modules/service/database_secret.tf",
)
# Files that only some values of an answer use: (answer, the values that keep them, files).
FILES_KEPT_FOR = (
    ("database", {"postgresql"}, ("terraform/modules/database/rds.tf",)),
    ("database", {"aurora-postgresql"}, ("terraform/modules/database/aurora.tf",)),
    ("https", {"off"}, ("terraform/modules/load_balancer/http_only.tf",)),
    ("https", {"acm-route53", "acm-existing"}, ("terraform/modules/load_balancer/https.tf",)),
    (
        "https",
        {"acm-route53"},
        (
            # The deploy roles' certificate and DNS permissions, and the certificate itself.
            "terraform/bootstrap/deploy_dns.tf",
            "terraform/modules/load_balancer/acm_certificate.tf",
        ),
    ),
)


def remove_unused_files(answers: dict[str, str]) -> None:
    if answers["database"] == "none":
        remove(*(path.format(package=answers["package_name"]) for path in DATABASE_FILES))
    for answer, keeping_values, files in FILES_KEPT_FOR:
        if answers[answer] not in keeping_values:
            remove(*files)


def choose_variant(variants: str, variant: str, destination: str) -> None:
    """Keep one whole-file variant from the folder `variants` as `destination`; drop the rest."""
    folder = PROJECT / variants
    (PROJECT / destination).parent.mkdir(parents=True, exist_ok=True)
    (folder / variant).replace(PROJECT / destination)
    shutil.rmtree(folder)


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
    remove_unused_files(answers)
    # One uv lock per dependency set, one cost estimate per combination (`make locks`,
    # `make costs` write them), the service's containers with or without a database.
    has_database = answers["database"] != "none"
    choose_variant(".locks", f"{'database' if has_database else 'none'}.uv.lock", "uv.lock")
    costs = f"{answers['database']}-{answers['nat_gateways']}-{answers['cpu_architecture']}.md"
    choose_variant(".costs", costs, "docs/costs.md")
    choose_variant(
        "terraform/modules/service/.containers",
        "database.tf" if has_database else "none.tf",
        "terraform/modules/service/containers.tf",
    )
    remove_empty_copier_answers()
    if operation == "copy":
        print_next_steps()


if __name__ == "__main__":
    if len(sys.argv) > 1:  # copier
        main(json.loads(sys.argv[1]), operation=sys.argv[2])
    else:
        main(json.loads(RENDERED_ANSWERS), operation="copy")
