"""Every option combination renders into a clean project: checks that any generated file passes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.combinations import COMBINATIONS, Combination
from tests.rendering import Render, render
from tests.tree import LOCK_FILES, files, relative, text_files

# `${{ ... }}` is a GitHub Actions expression, meant to stay in the workflows.
UNRENDERED = re.compile(r"(?<!\$)\{\{|\{%|cookiecutter\.")

# What an option value must leave no trace of. Paths are globs; words are case-sensitive
# regexes searched in every text file except lock files and the paths in "except".
# nat_gateways and cpu_architecture are also Terraform variables that an environment may set
# differently (e.g. one NAT per AZ in production only), so the Terraform code accepts every
# value; the choice must still be the only one in the tfvars, image build and workflows.
TERRAFORM_CODE = ["terraform/*.tf", "terraform/modules/**/*", "terraform/tests/*"]
ABSENT_WHEN: dict[tuple[str, str], dict[str, list[str]]] = {
    ("database", "none"): {
        "paths": [
            "alembic.ini",
            "migrations",
            "src/*/db",
            "src/*/api/items.py",
            "terraform/modules/database",
        ],
        "words": [r"(?i)sqlalchemy", r"(?i)alembic", r"asyncpg", r"DATABASE_URL", r"DB_HOST"],
    },
    ("database", "postgresql"): {"words": [r"(?i)aurora"]},
    ("database", "aurora-postgresql"): {"words": [r"aws_db_instance\b"]},
    ("https", "off"): {
        "words": [r"domain_name", r"(?i)certificate", r"(?i)route ?53", r"aws_acm_", r'"HTTPS"'],
    },
    ("https", "acm-route53"): {"words": [r"var\.certificate_arn"]},
    ("https", "acm-existing"): {
        "words": [r"(?i)route ?53", r"aws_acm_certificate_validation", r"route53_zone"],
    },
    ("nat_gateways", "none"): {"words": [r'nat_gateways\s*=\s*"(single|one-per-az)"']},
    ("nat_gateways", "single"): {"words": [r'nat_gateways\s*=\s*"(none|one-per-az)"']},
    ("nat_gateways", "one-per-az"): {"words": [r'nat_gateways\s*=\s*"(none|single)"']},
    ("cpu_architecture", "arm64"): {
        "words": [r"X86_64", r"linux/amd64"],
        "except": TERRAFORM_CODE,
    },
    ("cpu_architecture", "x86_64"): {
        "words": [r"ARM64", r"linux/arm64"],
        "except": TERRAFORM_CODE,
    },
}

combinations = pytest.mark.parametrize("combination", COMBINATIONS, ids=lambda c: c.id)


def rendered(combination: Combination) -> Render:
    result = render(combination.answers)
    assert result.returncode == 0, result.stderr
    return result


@combinations
def test_renders_with_exit_code_zero(combination: Combination) -> None:
    result = render(combination.answers)
    assert result.returncode == 0, result.stderr
    assert result.project.name == "orders-api"
    assert "Next steps" in result.stdout


@combinations
def test_nothing_left_unrendered(combination: Combination) -> None:
    project = rendered(combination).project
    leftovers = [
        relative(project, path) for path in project.rglob("*") if UNRENDERED.search(path.name)
    ]
    for path, text in text_files(project):
        leftovers += [
            f"{relative(project, path)}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if UNRENDERED.search(line)
        ]
    assert leftovers == []


@combinations
def test_no_empty_files_or_folders(combination: Combination) -> None:
    project = rendered(combination).project
    empty = [
        relative(project, path)
        for path in project.rglob("*")
        if (path.is_file() and path.stat().st_size == 0)
        or (path.is_dir() and not any(path.iterdir()))
    ]
    assert empty == []


@combinations
def test_nothing_from_unselected_options(combination: Combination) -> None:
    project = rendered(combination).project
    answers = combination.answers
    found: list[str] = []
    for (option, value), absent in ABSENT_WHEN.items():
        if answers[option] != value:
            continue
        found += [
            f"{option}={value}: {relative(project, path)} exists"
            for pattern in absent.get("paths", [])
            for path in project.glob(pattern)
        ]
        excepted = {path for pattern in absent.get("except", []) for path in project.glob(pattern)}
        for path, text in text_files(project):
            if path.name in LOCK_FILES or path in excepted:
                continue
            found += [
                f"{option}={value}: {relative(project, path)} mentions {match.group()!r}"
                for word in absent["words"]
                for match in [re.search(word, text)]
                if match
            ]
    assert found == []


@combinations
def test_python_compiles_and_passes_ruff(combination: Combination) -> None:
    project = rendered(combination).project
    sources = [path for path in files(project) if path.suffix == ".py"]
    for source in sources:
        compile(source.read_text(), str(source), "exec")
    assert sources, "every combination generates the service's Python package"
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run(
            [*ruff, *command], cwd=project, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def parse_data_file(path: Path) -> None:
    text = path.read_text()
    if path.suffix in {".yml", ".yaml"}:
        list(yaml.safe_load_all(text))
    elif path.suffix == ".json":
        json.loads(text)
    elif path.suffix == ".toml" or path.name == "uv.lock":
        tomllib.loads(text)


@combinations
def test_yaml_json_and_toml_files_parse(combination: Combination) -> None:
    project = rendered(combination).project
    data_files = [
        path
        for path in files(project)
        if path.suffix in {".yml", ".yaml", ".json", ".toml"} or path.name == "uv.lock"
    ]
    for path in data_files:
        try:
            parse_data_file(path)
        except Exception as error:  # report which file, whatever the parser raised
            pytest.fail(f"{relative(project, path)} does not parse: {error}")


def test_every_combination_is_listed_once() -> None:
    ids = [combination.id for combination in COMBINATIONS]
    assert len(ids) == 54
    assert len(set(ids)) == 54
