"""Every option combination renders into a clean project: checks that any generated file passes."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.combinations import (
    COMBINATIONS,
    DEFAULT,
    PAIRWISE,
    THREE_WISE,
    Combination,
    option_values,
)
from harness.rendering import Render, render
from harness.tree import (
    LOCK_FILES,
    empty_files_and_folders,
    python_problems,
    relative,
    text_files,
    unparsable_data_files,
    unrendered_leftovers,
)
from hooks.post_gen_project import FILES_KEPT_FOR, ITEM_FILES, SQL_FILES, whole_file_variants


def kept_only_when(answer: str, value: str) -> list[str]:
    """The patterns of the files the hook keeps only when `answer` is `value` (any package)."""
    return [
        path.format(package="*")
        for name, values, paths in FILES_KEPT_FOR
        if name == answer and values == {value}
        for path in paths
    ]


# What an option value must leave no trace of: the one table, applied to the whole tree. Paths
# are globs; words are regexes searched in every text file except lock files and the paths in
# "except".
# nat_gateways and cpu_architecture are also Terraform variables that an environment may set
# differently (e.g. one NAT per AZ in production only), so the Terraform code accepts every
# value and the network module's suite tests each; the choice must still be the only one in the
# tfvars, image build and workflows.
# What only the DynamoDB variant has.
DYNAMODB_FILES = kept_only_when("database", "dynamodb")
DYNAMODB_WORDS = [r"(?i)dynamodb", r"ITEMS_TABLE", r"(?i)\bmoto_?server\b"]
TERRAFORM_CODE = ["terraform/*.tf", "terraform/modules/**/*", "terraform/tests/*"]
# The price table of `make cost` prices both architectures, which the tfvars may choose between.
PRICE_TABLE = ["scripts/prices.toml"]
NETWORK_SUITE = "terraform/tests/network.tftest.hcl"
ABSENT_WHEN: dict[tuple[str, str], dict[str, list[str]]] = {
    ("database", "none"): {
        # Variants only a database uses: test_every_whole_file_variant_is_chosen_or_gone.
        "paths": [path.format(package="*") for path in (*ITEM_FILES, *SQL_FILES, *DYNAMODB_FILES)],
        "words": [
            *DYNAMODB_WORDS,
            r"(?i)database",
            r"(?i)\brds\b",
            r"(?i)postgres",
            r"(?i)aurora",
            r"(?i)sqlalchemy",
            r"(?i)alembic",
            r"(?i)migration",
            r"asyncpg",
            r"DATABASE_URL",
            r"\bDB_",
            # Secrets Manager is not here: the app's own secrets come from it with any database.
            r"5432",
        ],
    },
    ("database", "postgresql"): {
        "paths": DYNAMODB_FILES,
        "words": [*DYNAMODB_WORDS, r"(?i)aurora", r"aws_rds_cluster", r"(?i)\bACUs?\b"],
    },
    ("database", "aurora-postgresql"): {
        "paths": DYNAMODB_FILES,
        "words": [*DYNAMODB_WORDS, r"aws_db_instance\b", r"multi_az"],
    },
    ("database", "dynamodb"): {
        "paths": [path.format(package="*") for path in SQL_FILES],
        "words": [
            r"(?i)\brds\b",
            r"(?i)postgres",
            r"(?i)aurora",
            r"(?i)sqlalchemy",
            r"(?i)alembic",
            r"(?i)migrat",
            r"(?i)sqlite",
            r"asyncpg",
            r"DATABASE_URL",
            r"\bDB_",
            r"5432",
        ],
    },
    ("https", "off"): {
        "words": [
            # Not CloudFront's own names: its distribution's, its origin's.
            r"(?<![\w])(?<!this\.)(?<!\)\.)domain_name(?!\s*=\s*var\.load_balancer_dns_name)",
            # Not "certificate" alone: TLS to the database verifies one whatever HTTPS is.
            r"certificate_arn",
            r"(?i)\bHTTPS certificate",
            r"(?i)route ?53",
            r"(?i)\bacm\b",
            r"aws_acm_",
            r'"HTTPS"',
        ],
    },
    ("https", "acm-route53"): {"words": [r"var\.certificate_arn"]},
    ("https", "acm-existing"): {
        "words": [r"(?i)route ?53", r"aws_acm_certificate_validation", r"route53_zone"],
    },
    ("nat_gateways", "none"): {
        "words": [r'nat_gateways\s*=\s*"(single|one-per-az)"'],
        "except": [NETWORK_SUITE],
    },
    ("nat_gateways", "single"): {
        "words": [r'nat_gateways\s*=\s*"(none|one-per-az)"'],
        "except": [NETWORK_SUITE],
    },
    # Staging runs one NAT gateway whatever the choice: one per zone is for production.
    ("nat_gateways", "one-per-az"): {
        "words": [r'nat_gateways\s*=\s*"none"'],
        "except": ["terraform/environments/staging.tfvars", NETWORK_SUITE],
    },
    ("waf", "no"): {
        "paths": kept_only_when("waf", "yes"),
        "words": [r"(?i)\bwaf", r"(?i)web application firewall", r"(?i)\bweb ACL"],
        # The load balancer's and the distribution's checkov skips say why they have no web ACL.
        "except": ["terraform/modules/load_balancer/main.tf", "terraform/modules/cdn/main.tf"],
    },
    ("cdn", "no"): {
        "paths": kept_only_when("cdn", "yes"),
        "words": [r"(?i)cloudfront", r"(?i)origin.secret", r"us_east_1", r"\bcdn"],
    },
    # Nothing but CloudFront reaches the load balancer, which redirects nothing itself.
    ("cdn", "yes"): {
        "paths": kept_only_when("cdn", "no"),
        "words": [r"HTTP_301", r"(?i)HTTPS? from the internet"],
    },
    ("events", "no"): {
        "paths": kept_only_when("events", "yes"),
        "words": [
            r"(?i)event ?bus",
            r"(?i)eventbridge",
            r"EVENT_BUS_ARN",
            r"\bevents:",
            r"item\.(created|updated|deleted)",
            r"(?i)dead.letter",
            r"\bsqs\b",
        ],
    },
    ("object_storage", "no"): {
        "paths": kept_only_when("object_storage", "yes"),
        "words": [
            r"ASSETS_BUCKET",
            r"(?i)assets?.bucket",
            r"/uploads\b",
            r"(?i)upload tickets?",
            r"aws_s3_bucket_versioning",
            r"s3:PutObject\b",
        ],
        # The state bucket's own S3 settings, their test, and the deploy roles' state permissions.
        "except": [
            "terraform/bootstrap/state_bucket.tf",
            "terraform/bootstrap/tests/bootstrap.tftest.hcl",
            "terraform/bootstrap/deploy_roles.tf",
        ],
    },
    ("cpu_architecture", "arm64"): {
        "words": [r"X86_64", r"linux/amd64"],
        "except": TERRAFORM_CODE + PRICE_TABLE,
    },
    ("cpu_architecture", "x86_64"): {
        "words": [r"ARM64", r"linux/arm64"],
        "except": TERRAFORM_CODE + PRICE_TABLE,
    },
}

combinations = pytest.mark.parametrize("combination", THREE_WISE, ids=lambda c: c.id)


@pytest.mark.parametrize(("sample", "strength"), [(PAIRWISE, 2), (THREE_WISE, 3)])
def test_the_samples_hold_every_pair_and_every_three_option_values(
    sample: list[Combination], strength: int
) -> None:
    """What the checks run over holds every `strength` values of any `strength` options that
    any accepted combination holds, and only accepted combinations."""

    def value_tuples(combination: Combination) -> set[tuple[object, ...]]:
        values = option_values(combination)
        return {
            (at, tuple(values[i] for i in at))
            for at in itertools.combinations(range(len(values)), strength)
        }

    everything = set().union(*(value_tuples(c) for c in COMBINATIONS))
    assert set().union(*(value_tuples(c) for c in sample)) == everything
    assert all(combination in COMBINATIONS for combination in sample)
    assert sample[0] == DEFAULT
    assert not any(
        c.database == "none" and "yes" in (c.events, c.object_storage) for c in COMBINATIONS
    )


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
    assert unrendered_leftovers(rendered(combination).project) == []


@combinations
def test_no_empty_files_or_folders(combination: Combination) -> None:
    assert empty_files_and_folders(rendered(combination).project) == []


@combinations
def test_every_whole_file_variant_is_chosen_or_gone(combination: Combination) -> None:
    project = rendered(combination).project
    answers = {"package_name": "orders_api", **combination.options}
    for folder, variant, destination in whole_file_variants(answers):
        assert not (project / folder).exists(), f"{folder} is left in the project"
        assert (project / destination).is_file() == (variant is not None), destination


@combinations
def test_nothing_from_unselected_options(combination: Combination) -> None:
    project = rendered(combination).project
    options = combination.options
    found: list[str] = []
    for (option, value), absent in ABSENT_WHEN.items():
        if options[option] != value:
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
    assert python_problems(rendered(combination).project) == []


@combinations
def test_yaml_json_and_toml_files_parse(combination: Combination) -> None:
    assert unparsable_data_files(rendered(combination).project) == []


@combinations
def test_the_readme_says_what_a_first_deploy_needs(combination: Combination) -> None:
    project = rendered(combination).project
    readme = (project / "README.md").read_text()
    for heading in (
        "### Before the first deploy",
        "### What it costs",
        "### Tearing it down",
        "### Updating from the template",
    ):
        assert heading in readme
    doctor = (project / "scripts" / "doctor.sh").read_text()
    minimum = re.search(r"MIN_TERRAFORM_VERSION=(\d+\.\d+)\.0", doctor)
    assert minimum, "doctor.sh no longer states the Terraform version it needs"
    assert f"| {minimum.group(1)} or newer |" in readme
    assert "tonistiigi/binfmt --install" in readme
    https = combination.answers["https"]
    assert ("**The hosted zone.**" in readme) == (https == "acm-route53")
    # With CloudFront, two certificates: the load balancer's and CloudFront's (us-east-1).
    existing = (
        "**The certificates and DNS.**"
        if combination.cdn == "yes"
        else "**The certificate and DNS.**"
    )
    assert (existing in readme) == (https == "acm-existing")
    assert ("cloudfront_domain_name" in readme) == (
        https == "acm-existing" and combination.cdn == "yes"
    )


@combinations
def test_docs_costs_md_prices_this_combination(combination: Combination) -> None:
    project = rendered(combination).project
    costs = (project / "docs" / "costs.md").read_text()
    answers = combination.answers
    assert costs.startswith("# What this service costs\n")
    assert ("NAT gateway" in costs) == (answers["nat_gateways"] != "none")
    assert ("| RDS db.t4g." in costs) == (answers["database"] == "postgresql")
    assert ("| Aurora Serverless v2" in costs) == (answers["database"] == "aurora-postgresql")
    architecture = {"arm64": "ARM64", "x86_64": "X86_64"}[answers["cpu_architecture"]]
    assert f"1 {architecture} task, " in costs
    assert not (project / ".costs").exists()


def test_make_install_without_uv_says_how_to_install_it(tmp_path: Path) -> None:
    project = rendered(THREE_WISE[0]).project
    tools = tmp_path / "bin"  # make and nothing else on PATH
    tools.mkdir()
    make = shutil.which("make")
    assert make, "make is not installed"
    (tools / "make").symlink_to(make)
    result = subprocess.run(
        [str(tools / "make"), "install"],
        cwd=project,
        env={"PATH": str(tools), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "error: uv not found: install it (curl -LsSf https://astral.sh/uv/install.sh | sh" in (
        result.stderr
    )
    assert "command not found" not in result.stderr
    assert not (project / ".venv").exists()
