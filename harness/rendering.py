"""Render the template once per answer set and share the tree between tests and xdist workers.

Renders are kept in the one cache (harness/cache.py) under a key made of the template's
content hash and the answers, so an unchanged template is never rendered twice, a changed one
never reuses a stale tree, and two xdist workers asking for the same tree wait for one render
instead of racing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from harness.cache import CACHE_ROOT, TEMPLATE_ROOT, cached_folder

PROJECT_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.project_slug}}"
TEMPLATE_INPUTS = ("cookiecutter.json", "copier.yml", "hooks", PROJECT_TEMPLATE.name)
# The one question without a default (the repository the deploy roles trust): every render
# of the tests answers it, unless it sets it itself.
REQUIRED_ANSWERS = {"github_repository": "acme/orders-api"}
IGNORED_NAMES = {"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".venv"}


@dataclass(frozen=True)
class Render:
    """One cookiecutter run: its exit code, its output and the project folder it made."""

    returncode: int
    stdout: str
    stderr: str
    output_dir: Path

    @property
    def project(self) -> Path:
        folders = [path for path in self.output_dir.iterdir() if path.is_dir()]
        assert len(folders) == 1, f"expected one project folder, found {folders}"
        return folders[0]


def template_files() -> list[Path]:
    files: list[Path] = []
    for name in TEMPLATE_INPUTS:
        path = TEMPLATE_ROOT / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not IGNORED_NAMES.intersection(p.parts)
            )
    return files


@cache
def template_hash() -> str:
    digest = hashlib.sha256()
    for path in template_files():
        digest.update(str(path.relative_to(TEMPLATE_ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def answers_key(answers: dict[str, str]) -> str:
    blob = json.dumps(answers, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


@cache
def cookiecutter_config() -> Path:
    """A user config that keeps cookiecutter's clones and replays inside the cache."""
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    config = CACHE_ROOT / "cookiecutter-config.yaml"
    partial = config.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(
        f"cookiecutters_dir: {CACHE_ROOT / 'cookiecutters'}\nreplay_dir: {CACHE_ROOT / 'replay'}\n"
    )
    partial.replace(config)
    return config


def run_cookiecutter(
    answers: dict[str, str], output_dir: Path, template: Path = TEMPLATE_ROOT
) -> subprocess.CompletedProcess:
    """Run the cookiecutter CLI as a user would, answers given on the command line."""
    command = [
        sys.executable,
        "-m",
        "cookiecutter",
        str(template),
        "--no-input",
        "--output-dir",
        str(output_dir),
        *(f"{key}={value}" for key, value in {**REQUIRED_ANSWERS, **answers}.items()),
    ]
    # cookiecutter writes each rendered hook to a temporary file it never deletes: give it a
    # folder of its own, gone with the run, or thousands of renders fill the machine's /tmp.
    with tempfile.TemporaryDirectory(prefix="cookiecutter-hooks-") as hooks_tmp:
        env = {
            **os.environ,
            "COOKIECUTTER_CONFIG": str(cookiecutter_config()),
            "TMPDIR": hooks_tmp,
        }
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def render(answers: dict[str, str]) -> Render:
    """The cookiecutter render for these answers, from the cache when it is there."""

    def build(folder: Path) -> None:
        result = run_cookiecutter(answers, folder / "output")
        (folder / "output").mkdir(exist_ok=True)
        record = {
            "answers": answers,
            "returncode": result.returncode,
            "stdout": result.stdout,
            "stderr": result.stderr,
        }
        (folder / "result.json").write_text(json.dumps(record, indent=2))

    folder = cached_folder("renders", f"{template_hash()}-{answers_key(answers)}", build)
    stored = json.loads((folder / "result.json").read_text())
    return Render(stored["returncode"], stored["stdout"], stored["stderr"], folder / "output")


def copy_project(render_result: Render, destination: Path) -> Path:
    """A private, writable copy of a rendered project, for tests that run or change it."""
    target = destination / render_result.project.name
    shutil.copytree(render_result.project, target, symlinks=True)
    return target
