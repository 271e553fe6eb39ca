"""Write the files that declare the questions to each tool, from hooks/questions.py.

    python -m tools.answer_files    # rewrite them (make answers)

cookiecutter.json and copier.yml are what the tools read; the table between the markers in
docs/options.md is what people read. All three are committed, and tests/answers/test_questions.py
fails when one differs from what this writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from jinja2 import Environment

from hooks.questions import QUESTIONS, Question, Rule

TEMPLATE_ROOT = Path(__file__).resolve().parent.parent
COOKIECUTTER_FILE = TEMPLATE_ROOT / "cookiecutter.json"
COPIER_FILE = TEMPLATE_ROOT / "copier.yml"
OPTIONS_FILE = TEMPLATE_ROOT / "docs" / "options.md"
TABLE_START = "<!-- questions: written by `make answers` from hooks/questions.py -->"
TABLE_END = "<!-- end of questions -->"
# Longer lists (the regions) are summarized in the table.
MAX_CHOICES_LISTED = 6
ANSWER_NAMES = frozenset(question.name for question in QUESTIONS)


def for_cookiecutter(source: str) -> str:
    """A Jinja template over the answers, with each answer under `cookiecutter.` as cookiecutter
    names them (`project_slug` -> `cookiecutter.project_slug`; `x.project_slug` stays)."""
    pieces: list[str] = []
    previous = ""
    for _, token, value in Environment().lex(source):
        if token == "name" and value in ANSWER_NAMES and previous != ".":
            value = "cookiecutter." + value
        pieces.append(value)
        if token != "whitespace":
            previous = value
    return "".join(pieces)


def cookiecutter_prompt(question: Question) -> str | dict[str, str]:
    prompt = question.prompt
    if question.unasked_hint:
        prompt += f" ({question.unasked_hint})"
    if not question.choices:
        return prompt
    labels = {value: label or value for value, label in question.choices.items()}
    return {"__prompt__": prompt, **labels} if any(question.choices.values()) else prompt


def cookiecutter_json() -> str:
    context: dict[str, object] = {}
    for question in QUESTIONS:
        if question.choices:
            context[question.name] = list(question.choices)
        else:
            context[question.name] = for_cookiecutter(question.default or "")
    context["_jinja2_env_vars"] = {"trim_blocks": True, "lstrip_blocks": True}
    context["_copy_without_render"] = []
    context["__prompts__"] = {
        question.name: cookiecutter_prompt(question) for question in QUESTIONS
    }
    return json.dumps(context, indent=2, ensure_ascii=False) + "\n"


def validator(rules: tuple[Rule, ...]) -> str:
    """The rules as one Jinja template that renders the first broken rule's message."""
    branches = [
        ("{% if " if index == 0 else "{%- elif ") + f"{rule.condition} %}}{rule.message}"
        for index, rule in enumerate(rules)
    ]
    return "\n".join([*branches, "{%- endif %}"])


COPIER_HEADER = """\
# Written by `make answers` from hooks/questions.py: edit the questions there.
# The same template through copier, for `copier copy --trust` and, later, `copier update --trust`.
# The project files are written for cookiecutter (`{{ cookiecutter.x }}`); the computed
# `cookiecutter` answer at the bottom gives them the same names here. The validators are the
# rules hooks/pre_gen_project.py checks, so copier can ask again at the prompt; its first task
# runs that hook itself, for answers given with --data.

"""
COPIER_SETTINGS = {
    "_min_copier_version": "9.4",
    "_subdirectory": "{% raw %}{{cookiecutter.project_slug}}{% endraw %}",
    "_templates_suffix": "",
    "_answers_file": ".copier-answers.yml",
    "_envops": {"trim_blocks": True, "lstrip_blocks": True, "keep_trailing_newline": True},
    "_tasks": [
        {
            "command": [
                "{{ _copier_python }}",
                "{{ _copier_conf.src_path }}/hooks/pre_gen_project.py",
                "{{ cookiecutter | tojson }}",
            ]
        },
        {
            "command": [
                "{{ _copier_python }}",
                "{{ _copier_conf.src_path }}/hooks/post_gen_project.py",
                "{{ cookiecutter | tojson }}",
                "{{ _copier_operation | default('copy') }}",
            ]
        },
    ],
}


def copier_question(question: Question) -> dict[str, object]:
    entry: dict[str, object] = {"type": "str", "help": question.prompt}
    if question.choices:
        entry["default"] = next(iter(question.choices))
        entry["choices"] = {label or value: value for value, label in question.choices.items()}
    elif question.default:
        entry["default"] = question.default
    if question.asked_when:
        entry["when"] = "{{ " + question.asked_when + " }}"
    if question.rules:
        entry["validator"] = validator(question.rules)
    return entry


def cookiecutter_answer() -> dict[str, object]:
    """The answers under the names the project files use: computed, never asked, never stored.
    An answer copier did not ask is empty, as cookiecutter's would be."""
    lines = []
    for question in QUESTIONS:
        value = question.name if question.asked_when is None else f"{question.name} | default('')"
        lines.append(f"{question.name}: {{{{ {value} | tojson }}}}")
    return {"type": "yaml", "when": False, "default": "\n".join(lines) + "\n"}


class CopierDumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, one rule per line."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


CopierDumper.add_representer(str, _represent_text)


def copier_yml() -> str:
    document = {
        **COPIER_SETTINGS,
        **{question.name: copier_question(question) for question in QUESTIONS},
        "cookiecutter": cookiecutter_answer(),
    }
    body = yaml.dump(
        document, Dumper=CopierDumper, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    # A blank line before each question, as a person would space them.
    return COPIER_HEADER + re.sub(r"\n(?=[a-z])", "\n\n", body)


def options_table() -> str:
    rows = ["| answer | question | default | choices |", "|---|---|---|---|"]
    for question in QUESTIONS:
        if question.choices:
            default = next(iter(question.choices))
            choices = ", ".join(f"`{value}`" for value in question.choices)
            if len(question.choices) > MAX_CHOICES_LISTED:
                choices = f"{len(question.choices)} values, `{default}` first"
        else:
            default = question.default or ""
            choices = ""
        derived = "{" in default
        shown_default = "derived" if derived else f"`{default}`" if default else "none"
        asked = f" (asked when `{question.asked_when}`)" if question.asked_when else ""
        rows.append(
            f"| `{question.name}` | {question.prompt}{asked} | {shown_default} | {choices} |"
        )
    return "\n".join(rows)


def options_md(current: str) -> str:
    head, start, rest = current.partition(TABLE_START)
    _, end, tail = rest.partition(TABLE_END)
    if not (start and end):
        raise SystemExit(f"{OPTIONS_FILE} has lost its markers {TABLE_START!r} / {TABLE_END!r}")
    return f"{head}{TABLE_START}\n{options_table()}\n{TABLE_END}{tail}"


def written_files() -> dict[Path, str]:
    """What each file must hold."""
    return {
        COOKIECUTTER_FILE: cookiecutter_json(),
        COPIER_FILE: copier_yml(),
        OPTIONS_FILE: options_md(OPTIONS_FILE.read_text()),
    }


def main() -> None:
    for path, content in written_files().items():
        if path.read_text() != content:
            path.write_text(content)
            print(f"wrote {path.relative_to(TEMPLATE_ROOT)}")


if __name__ == "__main__":
    main()
