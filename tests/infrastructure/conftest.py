"""The folder's Terraform and checkov runs, spread across the xdist workers, before its tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.combinations import PAIRWISE, Combination
from harness.rendering import render
from harness.terraform import ToolMissing, check_ahead, checkov_binary, terraform_ready

FOLDER = Path(__file__).parent


@pytest.fixture(scope="session", autouse=True)
def terraform_checked_ahead(request: pytest.FixtureRequest) -> None:
    """Every worker first helps compute the distinct trees' checks that the selected tests of
    this folder read (harness.terraform.check_ahead). Without Terraform there is nothing to
    compute: the tests that need it say so when they skip."""
    try:
        terraform_ready()
    except ToolMissing:
        return
    combinations: dict[str, Combination] = {}
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        combination = callspec.params.get("combination") if callspec else None
        # Only the pairwise sample runs Terraform; the other combinations' tests read files.
        if combination in PAIRWISE and item.path.is_relative_to(FOLDER):
            combinations.setdefault(combination.id, combination)
    # checkov too, when a selected test reads its reports.
    try:
        checkov_binary()
        checkov = any(item.name.startswith("test_checkov_") for item in request.session.items)
    except ToolMissing:
        checkov = False
    renders = (render(combination.answers) for combination in combinations.values())
    check_ahead(renders, checkov=checkov)
