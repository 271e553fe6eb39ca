"""Test-session hooks shared by the template's tests."""

from __future__ import annotations

import pytest


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
