"""The pre-generation hook refuses bad answers with one exact message and leaves nothing behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from harness.rendering import REQUIRED_ANSWERS, TEMPLATE_ROOT, render, run_cookiecutter
from harness.tree import clean_tree_problems
from hooks import questions
from tests.answers.answer_tables import BAD_ANSWERS, DERIVED_SLUGS, GOOD_EDGE_CASES

DEFAULTS = {
    question.name: question.default
    for question in questions.QUESTIONS
    if question.default is not None
}


def derived(field: str, **context: str) -> str:
    """A default the questions derive from other answers (named bare, as copier names them)."""
    from cookiecutter.environment import StrictEnvironment

    return StrictEnvironment().from_string(DEFAULTS[field]).render(**context)


def answers_with(overrides: dict[str, str]) -> dict[str, str]:
    """The answers cookiecutter would hold: defaults (first choice, rendered) plus overrides."""
    if "project_name" in overrides and "project_slug" not in overrides:
        slug = derived("project_slug", project_name=overrides["project_name"])
        overrides = {"project_slug": slug, "package_name": slug.replace("-", "_"), **overrides}
    answers = {
        "project_name": "Orders API",
        "project_slug": "orders-api",
        "package_name": "orders_api",
        "description": DEFAULTS["description"],
        "author_name": DEFAULTS["author_name"],
        "author_email": DEFAULTS["author_email"],
        "github_repository": "acme/orders-api",
        "aws_region": "us-east-1",
        "database": "postgresql",
        "https": "off",
        "domain_name": "",
        "route53_zone": "",
        "certificate_arn": "",
        "nat_gateways": "single",
        "cpu_architecture": "arm64",
        "waf": "no",
        "events": "no",
        "object_storage": "no",
        "cdn": "no",
        "cdn_certificate_arn": "",
    }
    return {**answers, **overrides}


def test_every_free_text_answer_has_a_bad_answer_in_the_table() -> None:
    """Each question a person types an answer to (not a choice) is refused at least once."""
    typed = {question.name for question in questions.QUESTIONS if not question.choices}
    tried = {name for _, overrides, _ in BAD_ANSWERS for name in overrides}
    assert typed - tried == set()
    assert len({row_id for row_id, _, _ in BAD_ANSWERS}) == len(BAD_ANSWERS)


@pytest.mark.parametrize(("overrides", "message"), [row[1:] for row in BAD_ANSWERS],
                         ids=[row[0] for row in BAD_ANSWERS])  # fmt: skip
def test_validation_gives_exactly_one_message(overrides: dict[str, str], message: str) -> None:
    assert questions.refusals(answers_with(overrides)) == [message]


@pytest.mark.parametrize(("overrides", "message"), [row[1:] for row in BAD_ANSWERS],
                         ids=[row[0] for row in BAD_ANSWERS])  # fmt: skip
def test_cookiecutter_refuses_and_leaves_no_folder(
    overrides: dict[str, str], message: str, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    result = run_cookiecutter(overrides, output)
    assert result.returncode != 0
    errors = re.findall(r"^error: (.*)$", result.stderr, flags=re.MULTILINE)
    assert errors == [message]
    assert "1 answer(s) to fix; nothing was generated." in result.stderr
    assert not output.exists() or not any(output.iterdir())


@pytest.mark.parametrize("overrides", [row[1] for row in GOOD_EDGE_CASES],
                         ids=[row[0] for row in GOOD_EDGE_CASES])  # fmt: skip
def test_good_edge_cases_generate_a_clean_project(overrides: dict[str, str]) -> None:
    result = render(overrides)
    assert result.returncode == 0, result.stderr
    assert result.project.name == overrides.get("project_slug", "orders-api")
    assert clean_tree_problems(result.project) == []


@pytest.mark.parametrize(("project_name", "slug"), DERIVED_SLUGS)
def test_slug_and_package_are_derived_from_any_name(project_name: str, slug: str) -> None:
    result = render({"project_name": project_name})
    assert result.returncode == 0, result.stderr
    assert result.project.name == slug
    assert (result.project / "src" / slug.replace("-", "_")).is_dir()


def test_route53_zone_defaults_to_the_domains_parent() -> None:
    result = render({"https": "acm-route53", "domain_name": "api.acme.co.uk"})
    assert result.returncode == 0, result.stderr
    variables = (result.project / "terraform" / "variables.tf").read_text()
    zone_variable = variables.split('variable "route53_zone"', 1)[1].split("\n}\n", 1)[0]
    assert 'default     = "acme.co.uk"' in zone_variable


def test_every_problem_is_reported_at_once() -> None:
    errors = questions.refusals(
        answers_with({"project_slug": "Bad Slug", "author_email": "nobody", "domain_name": "a.io"})
    )
    assert [error.split(" ", 1)[0] for error in errors] == [
        "project_slug",
        "author_email",
        "domain_name",
    ]


UNSAFE = questions.UNSAFE_TEXT
STRING_BREAKING_ROWS = [
    row for row in BAD_ANSWERS if "contains a double quote, backslash or control" in row[2]
]


@pytest.mark.parametrize(("overrides", "message"), [row[1:] for row in STRING_BREAKING_ROWS],
                         ids=[row[0] for row in STRING_BREAKING_ROWS])  # fmt: skip
def test_the_unsafe_text_check_is_what_refuses_string_breaking_answers(
    overrides: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the check, each of these answers would reach a TOML, YAML or Python string."""
    assert questions.refusals(answers_with(overrides)) == [message]
    without_check = tuple(
        replace(question, rules=tuple(r for r in question.rules if UNSAFE not in r.condition))
        for question in questions.QUESTIONS
    )
    monkeypatch.setattr(questions, "QUESTIONS", without_check)
    assert questions.refusals(answers_with(overrides)) == []


def test_a_relative_template_path_works_from_a_shell(tmp_path: Path) -> None:
    """`cookiecutter .` in the template folder, as a contributor runs it: the hook finds
    hooks/questions.py through the PWD the shell set, and says what to do without one."""
    answers = [f"{key}={value}" for key, value in REQUIRED_ANSWERS.items()]

    def cookiecutter(output: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "cookiecutter", ".", "--no-input", "-o", str(output)]
        return subprocess.run(
            [*command, *answers], cwd=TEMPLATE_ROOT, env=env, capture_output=True, text=True
        )

    # TMPDIR: cookiecutter leaves each rendered hook behind as a temporary file.
    shell = {**os.environ, "PWD": str(TEMPLATE_ROOT), "TMPDIR": str(tmp_path)}
    from_shell = cookiecutter(tmp_path / "shell", shell)
    assert from_shell.returncode == 0, from_shell.stderr
    assert (tmp_path / "shell" / "orders-api" / "README.md").is_file()

    no_shell = {key: value for key, value in shell.items() if key != "PWD"}
    without_pwd = cookiecutter(tmp_path / "no-shell", no_shell)
    assert without_pwd.returncode != 0
    assert "give cookiecutter the template's absolute path." in without_pwd.stderr
