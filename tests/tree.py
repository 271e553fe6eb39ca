"""Read a rendered project tree: its files, text files and the checks shared by several tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

# Lock files list wheels for every platform and their hashes: facts about PyPI, not our output.
LOCK_FILES = {"uv.lock", ".terraform.lock.hcl"}


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
