"""Both tools driven through a terminal, answers typed as a person types them.

cookiecutter asks every question in turn (choices by number) and checks the answers once they
are all in, through the hook; copier asks only the questions that apply (choices with the arrow
keys) and checks each answer at its prompt, where a wrong one is refused with the hook's own
message and the prompt stays. Each finished session is compared with the same answers given
non-interactively.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from harness.combinations import CERTIFICATE_ARN, DOMAIN_NAME, ROUTE53_ZONE
from harness.rendering import REQUIRED_ANSWERS, TEMPLATE_ROOT, render
from harness.tree import tree_differences
from tests.answers.answer_tables import BAD_ANSWERS

BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    # A wide terminal: no answer or message is wrapped, so each is found whole.
    "COLUMNS": "400",
    "LINES": "50",
    "TERM": "xterm",
    "NO_COLOR": "1",
    # prompt_toolkit otherwise asks the terminal where its cursor is, and waits for the answer.
    "PROMPT_TOOLKIT_NO_CPR": "1",
}
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
DOWN, ENTER, CLEAR_LINE = "\x1b[B", "\r", "\x15"
QUESTIONS = {
    key: value
    for key, value in json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text()).items()
    if not key.startswith("_")
}
PROMPTS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())["__prompts__"]


def spawn(command: str, *args: str, cwd: Path) -> pexpect.spawn:
    # cookiecutter's prompts are plain on a dumb terminal; copier's need a real one.
    # TMPDIR beside cwd (pytest prunes both): cookiecutter leaves each rendered hook behind as
    # a temporary file, and cwd must hold only what the run generated.
    hooks_tmp = cwd.with_name(f"{cwd.name}-tmp")
    hooks_tmp.mkdir(exist_ok=True)
    env = {
        **ENV,
        "TERM": "dumb" if command == "cookiecutter" else "xterm",
        "TMPDIR": str(hooks_tmp),
    }
    child = pexpect.spawn(
        str(BIN / command), list(args), cwd=str(cwd), env=env, encoding="utf-8",
        timeout=30, dimensions=(50, 400),
    )  # fmt: skip
    child.logfile_read = (cwd / "session.log").open("w")
    return child


def screen(cwd: Path) -> str:
    """What the session showed, without the terminal's control sequences."""
    return ANSI.sub("", (cwd / "session.log").read_text())


# cookiecutter ----------------------------------------------------------------------------


def prompt_of(key: str) -> str:
    prompt = PROMPTS[key]
    return prompt["__prompt__"] if isinstance(prompt, dict) else prompt


def type_cookiecutter_answers(child: pexpect.spawn, answers: dict[str, str]) -> None:
    """Every question in order: the given answer, typed, or Enter for the default."""
    for index, (key, default) in enumerate(QUESTIONS.items(), 1):
        child.expect(rf"\[{index}/{len(QUESTIONS)}\] {re.escape(prompt_of(key))}")
        child.expect(r"\): ")
        value = answers.get(key, "")
        if isinstance(default, list) and value:
            value = str(default.index(value) + 1)
        child.send(value + ENTER)


COOKIECUTTER_SESSIONS = {
    "defaults": {},
    "aurora, acm-route53, one NAT per zone, x86_64, waf, events, object storage, cdn": {
        "database": "aurora-postgresql", "https": "acm-route53", "domain_name": DOMAIN_NAME,
        "nat_gateways": "one-per-az", "cpu_architecture": "x86_64", "waf": "yes", "events": "yes",
        "object_storage": "yes", "cdn": "yes",
    },
    # cdn_certificate_arn: Enter takes the offered default, the same certificate (us-east-1).
    "no database, acm-existing, no NAT, cdn": {
        "database": "none", "https": "acm-existing", "domain_name": DOMAIN_NAME,
        "certificate_arn": CERTIFICATE_ARN, "nat_gateways": "none", "cdn": "yes",
    },
}  # fmt: skip


@pytest.mark.parametrize("session", COOKIECUTTER_SESSIONS)
def test_cookiecutter_typed_answers_generate_what_the_command_line_does(
    session: str, tmp_path: Path
) -> None:
    answers = {**REQUIRED_ANSWERS, **COOKIECUTTER_SESSIONS[session]}
    child = spawn("cookiecutter", str(TEMPLATE_ROOT), "--output-dir", str(tmp_path), cwd=tmp_path)
    type_cookiecutter_answers(child, answers)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, screen(tmp_path)
    assert "Next steps" in screen(tmp_path)

    expected = render(COOKIECUTTER_SESSIONS[session])
    assert expected.returncode == 0, expected.stderr
    # The route53_zone the prompt offered is the one the command line derives.
    assert tree_differences(expected.project, tmp_path / "orders-api") == []


def test_cookiecutter_reports_wrong_answers_once_all_are_in(tmp_path: Path) -> None:
    """cookiecutter has no way to check an answer at its prompt: the hook reports every problem
    at the end, before cookiecutter's own traceback, and nothing is left behind."""
    child = spawn("cookiecutter", str(TEMPLATE_ROOT), "--output-dir", str(tmp_path), cwd=tmp_path)
    type_cookiecutter_answers(
        child, {"github_repository": "https://github.com/acme/orders-api", "author_email": "nobody"}
    )
    child.expect(pexpect.EOF)
    child.close()
    shown = screen(tmp_path)
    assert child.exitstatus != 0
    messages = re.findall(r"^error: (.*?)\r?$", shown, flags=re.MULTILINE)
    assert messages == [
        "author_email 'nobody' is not an e-mail address: use name@example.com.",
        "github_repository 'https://github.com/acme/orders-api' is a URL: give only owner/name "
        "(e.g. acme/orders-api).",
    ]
    assert shown.index("2 answer(s) to fix; nothing was generated.") < shown.index("Traceback")
    assert [path.name for path in tmp_path.iterdir()] == ["session.log"]


# copier ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One copier question: its prompt, and what to type (text, or a choice's position)."""

    prompt: str
    text: str = ""
    choice: int | None = None  # a choice question: how many times down from the default


def type_copier_answers(child: pexpect.spawn, answers: list[Answer]) -> None:
    for answer in answers:
        child.expect(re.escape(answer.prompt))
        if answer.choice is not None:
            child.expect("Use arrow keys")
            child.send(DOWN * answer.choice + ENTER)
        else:
            child.expect(r"\x1b\[\?25h")  # the cursor is shown: the prompt takes input
            if answer.text:
                child.send(CLEAR_LINE + answer.text)
            child.send(ENTER)


NAMING = [
    Answer("Service name, as people write it"),
    Answer("Repository and folder name"),
    Answer("Python package name"),
    Answer("One-line description"),
    Answer("Author or owning team"),
    Answer("Author e-mail"),
    Answer("GitHub repository (owner/name", "acme/orders-api"),
    Answer("AWS region", choice=0),
]
COPIER_SESSIONS: dict[str, tuple[list[Answer], dict[str, str]]] = {
    "defaults": (
        [*NAMING, Answer("Database", choice=0), Answer("HTTPS on the load balancer", choice=0),
         Answer("NAT gateways", choice=0), Answer("CPU architecture", choice=0),
         Answer("A web application firewall", choice=0), Answer("Domain events", choice=0),
         Answer("An S3 bucket for the items' files", choice=0),
         Answer("CloudFront in front of the load balancer", choice=0)],
        {},
    ),
    "aurora, acm-route53 with the zone it offers, one NAT per zone, x86_64, waf, events, "
    "object storage, cdn": (
        [*NAMING, Answer("Database", choice=1), Answer("HTTPS on the load balancer", choice=1),
         Answer("Domain name of the service", DOMAIN_NAME), Answer("Route 53 hosted zone"),
         Answer("NAT gateways", choice=1), Answer("CPU architecture", choice=1),
         Answer("A web application firewall", choice=1), Answer("Domain events", choice=1),
         Answer("An S3 bucket for the items' files", choice=1),
         Answer("CloudFront in front of the load balancer", choice=1)],
        {"database": "aurora-postgresql", "https": "acm-route53", "domain_name": DOMAIN_NAME,
         "route53_zone": ROUTE53_ZONE, "nat_gateways": "one-per-az", "cpu_architecture": "x86_64",
         "waf": "yes", "events": "yes", "object_storage": "yes", "cdn": "yes"},
    ),
    "dynamodb, events, object storage": (
        [*NAMING, Answer("Database", choice=2), Answer("HTTPS on the load balancer", choice=0),
         Answer("NAT gateways", choice=0), Answer("CPU architecture", choice=0),
         Answer("A web application firewall", choice=0), Answer("Domain events", choice=1),
         Answer("An S3 bucket for the items' files", choice=1),
         Answer("CloudFront in front of the load balancer", choice=0)],
        {"database": "dynamodb", "events": "yes", "object_storage": "yes"},
    ),
    # The certificate copier offers for CloudFront is the one given (us-east-1): Enter takes it.
    "no database, acm-existing, no NAT, cdn with the certificate it offers": (
        [*NAMING, Answer("Database", choice=3), Answer("HTTPS on the load balancer", choice=2),
         Answer("Domain name of the service", DOMAIN_NAME),
         Answer("ACM certificate ARN in the chosen region", CERTIFICATE_ARN),
         Answer("NAT gateways", choice=2), Answer("CPU architecture", choice=0),
         Answer("A web application firewall", choice=0),
         Answer("CloudFront in front of the load balancer", choice=1),
         Answer("ACM certificate ARN in us-east-1 for CloudFront")],
        {"database": "none", "https": "acm-existing", "domain_name": DOMAIN_NAME,
         "certificate_arn": CERTIFICATE_ARN, "nat_gateways": "none", "cdn": "yes",
         "cdn_certificate_arn": CERTIFICATE_ARN},
    ),
}  # fmt: skip


@pytest.mark.parametrize("session", COPIER_SESSIONS)
def test_copier_typed_answers_generate_what_cookiecutter_does(
    session: str,
    template_repo: Path,
    tmp_path: Path,
) -> None:
    typed, answers = COPIER_SESSIONS[session]
    child = spawn("copier", "copy", "--trust", str(template_repo), "orders-api", cwd=tmp_path)
    type_copier_answers(child, typed)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, screen(tmp_path)

    expected = render(answers)
    assert expected.returncode == 0, expected.stderr
    assert tree_differences(expected.project, tmp_path / "orders-api") == []


# A wrong answer at its prompt, by question: (what is typed, the question's prompt).
WRONG_AT_THE_PROMPT = {
    "author_email": "Author e-mail",
    "github_repository": "GitHub repository (owner/name",
    "package_name": "Python package name",
    "project_slug": "Repository and folder name",
    "description": "One-line description",
}


def wrong_answers() -> list[tuple[str, str, str, str]]:
    """The table's bad answers to the questions above (its message names the question), typed
    where copier asks them; answers a terminal cannot type (a newline) are left out."""
    rows = []
    for name, overrides, message in BAD_ANSWERS:
        key = message.split(" ", 1)[0]
        if key in WRONG_AT_THE_PROMPT and key in overrides and "\n" not in overrides[key]:
            rows.append((name, key, overrides[key], message))
    return rows


WRONG_ANSWERS = wrong_answers()


@pytest.mark.parametrize(
    ("name", "key", "value", "message"), WRONG_ANSWERS, ids=[row[0] for row in WRONG_ANSWERS]
)
def test_copier_refuses_a_wrong_answer_at_its_prompt_with_the_hooks_message(
    name: str,
    key: str,
    value: str,
    message: str,
    template_repo: Path,
    tmp_path: Path,
) -> None:
    prompt = WRONG_AT_THE_PROMPT[key]
    child = spawn("copier", "copy", "--trust", str(template_repo), "orders-api", cwd=tmp_path)
    for answer in NAMING:
        child.expect(re.escape(answer.prompt))
        if answer.prompt == "AWS region":
            break
        child.expect(r"\x1b\[\?25h")
        if answer.prompt == prompt:
            # Typed over the default; nothing typed at all is what an empty answer is.
            child.send(CLEAR_LINE + value + ENTER)
            child.expect(re.escape(message))
            # Refused where it was typed; leaving now writes nothing.
            child.sendcontrol("c")
            break
        child.send(CLEAR_LINE + answer.text + ENTER if answer.text else ENTER)
    child.expect(pexpect.EOF)
    child.close()
    assert not (tmp_path / "orders-api").exists()


def test_copier_asks_for_a_domain_before_checking_it(template_repo: Path, tmp_path: Path) -> None:
    """copier 9 checks a question's default before asking it: an empty default that the
    validator refuses would end the session in a traceback before anything could be typed."""
    child = spawn("copier", "copy", "--trust", str(template_repo), "orders-api", cwd=tmp_path)
    type_copier_answers(
        child,
        [*NAMING, Answer("Database", choice=0), Answer("HTTPS on the load balancer", choice=2)],
    )
    child.expect(re.escape("Domain name of the service"))
    child.expect(r"\x1b\[\?25h")
    child.send(ENTER)  # nothing typed
    child.expect(re.escape("domain_name is required with https=acm-existing (e.g. api.acme.com)."))
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    assert "Traceback" not in screen(tmp_path)
