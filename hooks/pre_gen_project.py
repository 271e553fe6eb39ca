"""Refuse answers that would generate a broken project, before anything is written.

Cookiecutter renders this file with the answers and runs the copy from a temporary folder;
copier runs it unrendered as its first task and passes the answers as JSON in argv[1]. Either
way it checks them against the rules in hooks/questions.py (copier's validators are the same
rules, for its prompt), prints every problem, one line each, and exits 1.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""

# What is left once the answers are refused: cookiecutter checks them before writing any file,
# copier writes the files first and runs this check as its first task.
REFUSED = {
    "cookiecutter": "nothing was generated.",
    "copier": (
        "copier removes the project folder if it created it; in a folder that existed, "
        "'git status' shows what it wrote."
    ),
}


def main(answers: dict[str, str], tool: str, hooks: Path) -> int:
    # Run as a script from outside the template (cookiecutter copies it to a temporary file),
    # so the questions module is found through the template's own folder.
    sys.path.insert(0, str(hooks))
    from questions import refusals

    errors = refusals(answers)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} answer(s) to fix; {REFUSED[tool]}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) > 1:  # run by copier, from the template, answers as JSON
        sys.exit(main(json.loads(sys.argv[1]), "copier", Path(__file__).resolve().parent))
    answers = json.loads(RENDERED_ANSWERS)
    # The template folder as given to cookiecutter: a path relative to where it was started
    # (`cookiecutter .`) when it is a local one; the shell's PWD still names that folder.
    template = Path(os.environ.get("PWD", ""), answers["_repo_dir"])
    if not (template / "hooks" / "questions.py").is_file():
        print(
            f"error: cannot find the template's hooks/questions.py from {answers['_repo_dir']!r}: "
            "give cookiecutter the template's absolute path.",
            file=sys.stderr,
        )
        sys.exit(1)
    sys.exit(main(answers, "cookiecutter", template / "hooks"))
