"""Read a rendered project tree: its files, text files and the checks shared by several tests."""

from __future__ import annotations

import filecmp
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import yaml

# Lock files list wheels for every platform and their hashes: facts about PyPI, not our output.
LOCK_FILES = {"uv.lock", ".terraform.lock.hcl"}
# Jinja left in a file or a name. In the workflows `${{ ... }}` is a GitHub Actions expression,
# meant to stay; anywhere else it is unrendered Jinja too.
UNRENDERED = re.compile(r"\{\{|\{%|\{#|cookiecutter\.")
UNRENDERED_IN_WORKFLOWS = re.compile(r"(?<!\$)\{\{|\{%|\{#|cookiecutter\.")
# What copier writes beside the project, and cookiecutter does not.
ANSWERS_FILE = ".copier-answers.yml"
DATA_SUFFIXES = {".yml", ".yaml", ".json", ".toml"}


def files(project: Path) -> Iterator[Path]:
    yield from sorted(path for path in project.rglob("*") if path.is_file())


def is_binary(path: Path) -> bool:
    return b"\0" in path.read_bytes()[:8192]


def text_files(project: Path) -> Iterator[tuple[Path, str]]:
    for path in files(project):
        if not is_binary(path):
            yield path, path.read_text(encoding="utf-8")


def relative(project: Path, path: Path) -> str:
    return path.relative_to(project).as_posix()


def unrendered_leftovers(project: Path) -> list[str]:
    """Every name and line that still holds template syntax."""
    leftovers = [
        relative(project, path) for path in project.rglob("*") if UNRENDERED.search(path.name)
    ]
    for path, text in text_files(project):
        name = relative(project, path)
        pattern = UNRENDERED_IN_WORKFLOWS if name.startswith(".github/workflows/") else UNRENDERED
        leftovers += [
            f"{name}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if pattern.search(line)
        ]
    return leftovers


def empty_files_and_folders(project: Path) -> list[str]:
    return [
        relative(project, path)
        for path in project.rglob("*")
        if (path.is_file() and path.stat().st_size == 0)
        or (path.is_dir() and not any(path.iterdir()))
    ]


def python_problems(project: Path) -> list[str]:
    """Python files that do not compile, and what `ruff check` and `ruff format` report."""
    problems = []
    sources = [path for path in files(project) if path.suffix == ".py"]
    if not sources:
        return ["no Python files: every project has the service's package"]
    for source in sources:
        try:
            compile(source.read_text(), str(source), "exec")
        except SyntaxError as error:
            problems.append(f"{relative(project, source)}: {error}")
    for command in (["check", "--no-cache", "."], ["format", "--check", "--no-cache", "."]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            problems.append(f"ruff {command[0]}:\n{result.stdout}{result.stderr}")
    return problems


def parse_data_file(path: Path) -> None:
    text = path.read_text()
    if path.suffix in {".yml", ".yaml"}:
        list(yaml.safe_load_all(text))
    elif path.suffix == ".json":
        json.loads(text)
    elif path.suffix == ".toml" or path.name == "uv.lock":
        tomllib.loads(text)


def unparsable_data_files(project: Path) -> list[str]:
    """Every YAML, JSON and TOML file (uv.lock included) that its parser refuses."""
    problems = []
    for path in files(project):
        if path.suffix in DATA_SUFFIXES or path.name == "uv.lock":
            try:
                parse_data_file(path)
            except Exception as error:  # report which file, whatever the parser raised
                problems.append(f"{relative(project, path)}: {error}")
    return problems


def clean_tree_problems(project: Path) -> list[str]:
    """What any rendered project must not have, whatever its answers."""
    return [
        *(f"unrendered: {leftover}" for leftover in unrendered_leftovers(project)),
        *(f"empty: {path}" for path in empty_files_and_folders(project)),
        *python_problems(project),
        *(f"does not parse: {problem}" for problem in unparsable_data_files(project)),
    ]


def tree_differences(left: Path, right: Path) -> list[str]:
    """How a tree from copier (right) differs from one from cookiecutter (left)."""
    left_files = {relative(left, path) for path in files(left)} - {ANSWERS_FILE}
    right_files = {relative(right, path) for path in files(right)} - {ANSWERS_FILE}
    differences = [f"only from cookiecutter: {name}" for name in sorted(left_files - right_files)]
    differences += [f"only from copier: {name}" for name in sorted(right_files - left_files)]
    for name in sorted(left_files & right_files):
        if not filecmp.cmp(left / name, right / name, shallow=False):
            differences.append(f"content differs: {name}")
        elif (left / name).stat().st_mode != (right / name).stat().st_mode:
            differences.append(f"mode differs: {name}")
    return differences
