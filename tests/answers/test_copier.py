"""copier gives the same project as cookiecutter, refuses the same answers, and updates in place."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import copier
import pytest
import yaml

from harness.combinations import CERTIFICATE_ARN, Combination
from harness.project import MISSING_TOOLCHAIN, UV, git, project_environment, run
from harness.rendering import REQUIRED_ANSWERS, render
from harness.tree import ANSWERS_FILE, tree_differences
from hooks.pre_gen_project import REFUSED
from hooks.questions import one_line
from tests.answers.answer_tables import BAD_ANSWERS, DERIVED_SLUGS
from tools.locks import lock_variant

# Together these cover every value of every option.
PARITY_SAMPLE = [
    Combination("postgresql", "off", "single", "arm64"),
    Combination("aurora-postgresql", "acm-route53", "one-per-az", "x86_64", "yes"),
    Combination("none", "acm-existing", "none", "arm64"),
    Combination("dynamodb", "off", "single", "arm64", "no", "yes", "yes"),
    Combination(
        "postgresql",
        "acm-existing",
        "one-per-az",
        "x86_64",
        extra={
            "aws_region": "eu-west-1",
            "certificate_arn": CERTIFICATE_ARN.replace("us-east-1", "eu-west-1"),
        },
    ),
]


def copier_copy(template: Path, destination: Path, data: dict[str, str], ref: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # copier warns about its own deprecations and dirty repos
        copier.run_copy(
            str(template),
            str(destination),
            data={**REQUIRED_ANSWERS, **data},
            defaults=True,
            unsafe=True,  # the template's tasks run the validation and pruning hooks
            quiet=True,
            vcs_ref=ref,
        )


@pytest.mark.parametrize("combination", PARITY_SAMPLE, ids=lambda c: c.id)
def test_copier_renders_the_same_tree_as_cookiecutter(
    combination: Combination, template_repo: Path, tmp_path: Path
) -> None:
    from_cookiecutter = render(combination.answers)
    assert from_cookiecutter.returncode == 0, from_cookiecutter.stderr
    from_copier = tmp_path / "orders-api"
    copier_copy(template_repo, from_copier, combination.answers, ref="HEAD")

    assert tree_differences(from_cookiecutter.project, from_copier) == []
    recorded = yaml.safe_load((from_copier / ANSWERS_FILE).read_text())
    assert {key: recorded[key] for key in combination.answers} == combination.answers


@pytest.mark.parametrize(("overrides", "message"), [row[1:] for row in BAD_ANSWERS],
                         ids=[row[0] for row in BAD_ANSWERS])  # fmt: skip
def test_copier_refuses_the_same_answers_with_the_same_message(
    overrides: dict[str, str],
    message: str,
    template_repo: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    destination = tmp_path / "orders-api"
    with pytest.raises((ValueError, copier.errors.TaskError)) as refused:
        copier_copy(template_repo, destination, overrides, ref="HEAD")
    if isinstance(refused.value, ValueError):
        # A validator refused it at the question: its message names the question first, and
        # shows a control character as typed, where the hook shows its escape (\n).
        shown = str(refused.value).split(": ", 1)[1]
        assert one_line(shown) == message
    else:
        # The validation task (hooks/pre_gen_project.py) refused it after the questions.
        stderr = capfd.readouterr().err
        assert re.findall(r"^error: (.*)$", stderr, flags=re.MULTILINE) == [message]
        assert f"1 answer(s) to fix; {REFUSED['copier']}" in stderr
    assert not destination.exists()


@pytest.mark.parametrize(("project_name", "slug"), DERIVED_SLUGS)
def test_copier_derives_the_same_slug(
    project_name: str, slug: str, template_repo: Path, tmp_path: Path
) -> None:
    copier_copy(template_repo, tmp_path / "project", {"project_name": project_name}, ref="HEAD")
    answers = yaml.safe_load((tmp_path / "project" / ANSWERS_FILE).read_text())
    assert (answers["project_slug"], answers["package_name"]) == (slug, slug.replace("-", "_"))


def committed_copy_of_v1(template_repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A template of our own to change, and a project copied with copier from its v1.0.0 and
    committed, as a team keeps it: (template, project)."""
    template = tmp_path / "template"
    shutil.copytree(template_repo, template, symlinks=True)
    project = tmp_path / "orders-api"
    copier_copy(template, project, {"database": "none"}, ref="v1.0.0")
    git("init", "--quiet", "--initial-branch=main", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message=Generated", cwd=project)
    return template, project


def test_copier_update_brings_template_changes_and_keeps_local_edits(
    template_repo: Path, tmp_path: Path
) -> None:
    template, project = committed_copy_of_v1(template_repo, tmp_path)

    readme = project / "README.md"
    readme.write_text("Owned by the payments team.\n\n" + readme.read_text())
    git("commit", "--quiet", "--all", "--message=Local edit", cwd=project)

    gitignore = template / "{{cookiecutter.project_slug}}" / ".gitignore"
    if not gitignore.exists():
        pytest.fail("the update test relies on the project template having a .gitignore")
    gitignore.write_text(gitignore.read_text() + "# added in template v2\n.scratch/\n")
    git("commit", "--quiet", "--all", "--message=Template v2", cwd=template)
    git("tag", "v2.0.0", cwd=template)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_update(str(project), defaults=True, unsafe=True, quiet=True, overwrite=True)

    assert readme.read_text().startswith("Owned by the payments team.\n")
    assert (project / ".gitignore").read_text().endswith(".scratch/\n")
    answers = yaml.safe_load((project / ANSWERS_FILE).read_text())
    assert answers["_commit"] == "v2.0.0"
    assert answers["database"] == "none"
    assert not (project / "alembic.ini").exists(), "the update must prune like the first copy"


def add_dependency(pyproject: Path, requirement: str) -> None:
    """Append a requirement to [project] dependencies, as a person editing the file does."""
    head, opening, tail = pyproject.read_text().partition("dependencies = [\n")
    items, closing, rest = tail.partition("\n]\n")
    pyproject.write_text(f'{head}{opening}{items}\n    "{requirement}",{closing}{rest}')


@pytest.mark.slow
@pytest.mark.skipif(MISSING_TOOLCHAIN is not None, reason=str(MISSING_TOOLCHAIN))
def test_copier_update_with_dependencies_changed_on_both_sides_ends_in_make_install(
    template_repo: Path, tmp_path: Path
) -> None:
    """The README's "Updating from the template", followed to the letter."""
    template, project = committed_copy_of_v1(template_repo, tmp_path)
    env = project_environment()

    # The service's team adds a dependency and locks it.
    add_dependency(project / "pyproject.toml", "termcolor>=2,<4")
    run(["make", "lock", f"UV={UV}"], project, env)
    git("commit", "--quiet", "--all", "--message=Add termcolor", cwd=project)

    # The template adds another at the same place, with its lock: the two sort next to each
    # other in uv.lock too, so both sides change the same lines there.
    add_dependency(template / "{{cookiecutter.project_slug}}" / "pyproject.toml", "tenacity>=9,<10")
    lock_variant(template, "none", {"database": "none"})
    git("commit", "--quiet", "--all", "--message=Template v2: tenacity", cwd=template)
    git("tag", "v2.0.0", cwd=template)

    # The documented steps.
    git("switch", "--quiet", "-c", "template-update", cwd=project)
    copier_cli = Path(sys.executable).with_name("copier")
    updated = run([str(copier_cli), "update", "--trust", "--defaults"], project, env)
    # The project exists already: no "git init" advice, nor the update's scratch copies' names.
    assert "Next steps" not in updated.stdout
    conflicted = sorted(
        path.name
        for path in project.rglob("*")
        if ".venv" not in path.parts
        and ".git" not in path.parts
        and path.is_file()
        and re.search(r"^<<<<<<< ", path.read_text(errors="replace"), re.MULTILINE)
    )
    # What the issue saw: both sides moved uv.lock, and its merge is not TOML.
    assert "uv.lock" in conflicted
    broken = subprocess.run(
        ["make", "install", f"UV={UV}"], cwd=project, env=env, capture_output=True, text=True
    )
    assert broken.returncode != 0
    assert set(conflicted) <= {"uv.lock", "pyproject.toml"}, conflicted
    if "pyproject.toml" in conflicted:  # both added a line at the end: keep both
        pyproject = project / "pyproject.toml"
        pyproject.write_text(
            re.sub(r"^(<<<<<<<|=======|>>>>>>>).*\n", "", pyproject.read_text(), flags=re.M)
        )
    git("checkout", "HEAD", "--", "uv.lock", cwd=project)
    run(["make", "lock", f"UV={UV}"], project, env)
    run(["make", "install", f"UV={UV}"], project, env)

    lock = (project / "uv.lock").read_text()
    assert 'name = "termcolor"' in lock
    assert 'name = "tenacity"' in lock
    run([str(UV), "lock", "--check"], project, env)
    imported = run(
        [str(project / ".venv" / "bin" / "python"), "-c", "import termcolor, tenacity"],
        project,
        env,
    )
    assert imported.returncode == 0
