"""Refuse answers that would generate a broken project, before anything is written.

Cookiecutter renders this file with the answers and runs the copy from a temporary folder;
copier runs it unrendered as its first task and passes the answers as JSON in argv[1].
Either way it prints every problem, one line each, and exits 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RENDERED_ANSWERS = r"""{{ cookiecutter | tojson }}"""


def hooks_dir(answers: dict[str, str]) -> Path:
    repo_dir = answers.get("_repo_dir")
    return Path(repo_dir) / "hooks" if repo_dir else Path(__file__).resolve().parent


def main(answers: dict[str, str]) -> int:
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(hooks_dir(answers)))
    from validation import validate

    errors = validate(answers)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        print(
            f"{len(errors)} answer(s) to fix; nothing was generated.",
            file=sys.stderr,
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1] if len(sys.argv) > 1 else RENDERED_ANSWERS)))
