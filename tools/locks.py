"""Regenerate the generated project's uv locks after changing its pyproject.toml.

    .venv/bin/python -m tools.locks

Renders the default project once per dependency set, runs `uv lock` in it on Python 3.12 and
stores the result as `.locks/<set>.uv.lock`, with the project's own name put back as a template
variable. uv starts from the current lock, so only what pyproject.toml changed moves; run
`uv lock --upgrade` in a rendered project to move everything. uv accepts the lock whatever the
project name sorts next to (the template tests check `uv lock --check` with names at both ends
of the alphabet).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from harness.project import MISSING_TOOLCHAIN, UV, project_environment, run
from harness.rendering import PROJECT_TEMPLATE, TEMPLATE_ROOT, run_cookiecutter
from hooks import post_gen_project

# Answers that select each dependency set (hooks/post_gen_project.lock_variant names it).
LOCKS = (
    {"database": "postgresql"},
    {"database": "postgresql", "events": "yes"},
    {"database": "dynamodb"},
    {"database": "none"},
)


def lock_variant(template: Path, lock_name: str, answers: dict[str, str]) -> int:
    """Render `template` with these answers, `uv lock` it, and store the lock as the template's
    `.locks/<lock_name>.uv.lock`; return how many packages it locks."""
    with tempfile.TemporaryDirectory() as output:
        result = run_cookiecutter(answers, Path(output), template)
        assert result.returncode == 0, result.stderr
        (project,) = Path(output).iterdir()
        run([str(UV), "lock"], project, project_environment())
        text = (project / "uv.lock").read_text()
    own_entry = re.compile(rf'^name = "{re.escape(project.name)}"$', re.MULTILINE)
    assert len(own_entry.findall(text)) == 1
    lock = template / PROJECT_TEMPLATE.name / ".locks" / f"{lock_name}.uv.lock"
    lock.write_text(own_entry.sub('name = "{{ cookiecutter.project_slug }}"', text))
    return len(re.findall(r"^\[\[package\]\]$", text, re.MULTILINE))


def regenerate() -> None:
    for answers in LOCKS:
        lock_name = post_gen_project.lock_variant(
            {"events": "no", "object_storage": "no", **answers}
        )
        packages = lock_variant(TEMPLATE_ROOT, lock_name, answers)
        print(f"{lock_name}.uv.lock: {packages} packages")


if __name__ == "__main__":
    if MISSING_TOOLCHAIN:
        sys.exit(f"cannot lock: {MISSING_TOOLCHAIN}")
    regenerate()
