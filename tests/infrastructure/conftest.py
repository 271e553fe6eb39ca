"""The folder's Terraform and checkov runs, in shares across the xdist workers, before its tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.combinations import DATABASES, Combination
from harness.rendering import render
from harness.terraform import (
    ToolMissing,
    check_share,
    checkov_binary,
    checkov_database_batch,
    terraform_ready,
)

FOLDER = Path(__file__).parent


@pytest.fixture(scope="session", autouse=True)
def terraform_checked_in_shares(request: pytest.FixtureRequest, worker_id: str) -> None:
    """Each worker first checks its share of the distinct trees the selected tests of this
    folder need (harness.terraform.check_share); every worker collects the same selection, so
    the shares do not overlap. Without Terraform there is nothing to share: the tests that need
    it say so when they skip."""
    try:
        terraform_ready()
    except ToolMissing:
        return
    combinations: dict[str, Combination] = {}
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        combination = callspec.params.get("combination") if callspec else None
        if isinstance(combination, Combination) and item.path.is_relative_to(FOLDER):
            combinations.setdefault(combination.id, combination)
    share = 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))
    shares = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    renders = (render(combination.answers) for combination in combinations.values())
    check_share(renders, share, shares)
    # checkov too, one run per database choice, when a selected test reads its reports.
    try:
        checkov_binary()
    except ToolMissing:
        return
    if any(item.name.startswith("test_checkov_") for item in request.session.items):
        for index, database in enumerate(DATABASES):
            if index % shares == share:
                checkov_database_batch(database)
