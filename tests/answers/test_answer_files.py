"""cookiecutter.json, copier.yml and the options table are what hooks/questions.py writes."""

from __future__ import annotations

import pytest

from tools import answer_files


@pytest.mark.parametrize("path", answer_files.written_files(), ids=lambda path: path.name)
def test_committed_file_is_what_make_answers_writes(path) -> None:
    expected = answer_files.written_files()[path]
    assert path.read_text() == expected, f"{path.name} is stale: run make answers"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ project_slug | replace('-', '_') }}",
         "{{ cookiecutter.project_slug | replace('-', '_') }}"),
        # an attribute or a string of the same name is not an answer
        ("{{ x.https ~ 'https' }}", "{{ x.https ~ 'https' }}"),
        ("{% if https == 'off' %}{{ domain_name }}{% endif %}",
         "{% if cookiecutter.https == 'off' %}{{ cookiecutter.domain_name }}{% endif %}"),
        ("plain https text", "plain https text"),
    ],
)  # fmt: skip
def test_answers_are_named_as_cookiecutter_names_them(source: str, expected: str) -> None:
    assert answer_files.for_cookiecutter(source) == expected


def test_a_question_in_the_definition_reaches_both_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated files are derived, not copied: a new question appears in each."""
    from dataclasses import replace

    from hooks import questions

    extra = replace(questions.QUESTIONS[0], name="owner_team", default="{{ project_name }}")
    monkeypatch.setattr(answer_files, "QUESTIONS", (*questions.QUESTIONS, extra))
    monkeypatch.setattr(answer_files, "ANSWER_NAMES", answer_files.ANSWER_NAMES | {"owner_team"})
    assert '"owner_team": "{{ cookiecutter.project_name }}"' in answer_files.cookiecutter_json()
    assert "\nowner_team:\n  type: str\n" in answer_files.copier_yml()
    assert "| `owner_team` |" in answer_files.options_table()
