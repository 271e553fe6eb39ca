"""Test-session hooks shared by the template's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.project import git
from harness.rendering import TEMPLATE_INPUTS, TEMPLATE_ROOT


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the wall times tests record with `record_property("timing", ...)`.

    Recorded rather than printed: pytest keeps a passing test's output to itself, and xdist
    brings the properties of every worker's tests back to this summary.
    """
    lines = [
        f"{report.nodeid.split('::', 1)[1]}: {value}"
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "timing"
    ]
    if lines:
        terminalreporter.section("timings")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template's own files committed to a fresh git repository and tagged v1.0.0."""
    repo = tmp_path_factory.mktemp("template") / "fargate-service"
    repo.mkdir()
    for name in TEMPLATE_INPUTS:
        source = TEMPLATE_ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, repo / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, repo / name)
    git("init", "--quiet", "--initial-branch=main", cwd=repo)
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "--message=Template v1", cwd=repo)
    git("tag", "v1.0.0", cwd=repo)
    return repo
