"""Run Terraform and checkov over rendered projects, once per distinct tree, shared by workers.

Terraform is the slow part of the template suite, so every expensive result is kept in the
one cache (harness/cache.py): keyed by a content hash of the tree it checked (plus this file,
so a harness change re-runs everything), computed by whichever xdist worker gets there first
and read by the others. Each combination still gets its own assertions on the result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any

from tftest import TerraformPlanOutput

from harness.cache import CACHE_ROOT, TEMPLATE_ROOT, Taken, cached_json
from harness.combinations import PAIRWISE
from harness.rendering import Render, render

TERRAFORM_CACHE = CACHE_ROOT / "terraform"
CHECKOV_CACHE = CACHE_ROOT / "checkov"
ENVIRONMENTS = ("staging", "production")

# An image digest for the plans: the digest is a required variable of the root module.
TEST_IMAGE_DIGEST = "sha256:4f3c9e1d8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6"
TEST_APP_VERSION = f"0123456789abcdef0123456789abcdef01234567@{TEST_IMAGE_DIGEST}"
TEST_ACCOUNT_ID = "123456789012"
TEST_SECRET_NAME = "rds!db-0a1b2c3d-AbCdEf"
TEST_DATABASE_RESOURCE_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXY0"
TEST_ZONE_ID = "Z0123456789ABCDEFGHIJ"
# CloudFront's origin-facing prefix list, as AWS would name it.
TEST_CLOUDFRONT_PREFIX_LIST_ID = "pl-3b927c52"

# Added to a private copy of the root module: one plan of the whole stack per environment,
# with that environment's tfvars pasted in as the run's variables (test-file variables win
# over -var-file, so the tfvars cannot be passed on the command line). The real provider plans
# it, with the module's own provider block (region, default tags), fake credentials and no AWS
# call (the data sources that would call AWS are overridden), because a mocked one would mock
# the IAM policy documents too.
STACK_PLAN_FILE = "tests/harness_stack_plan.tftest.hcl"
STACK_PLAN_TEMPLATE = """{overrides}{runs}"""
# Merged into the module's provider block (an override file): plan without asking AWS who we are.
OFFLINE_PROVIDER_FILE = "harness_offline_provider_override.tf"
OFFLINE_PROVIDER = """\
provider "aws" {
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
}
"""
# With CloudFront, the root module has a second provider, in us-east-1: offline too.
OFFLINE_US_EAST_1_PROVIDER = OFFLINE_PROVIDER.replace(
    'provider "aws" {\n', 'provider "aws" {\n  alias                       = "us_east_1"\n'
)
OVERRIDE_TEMPLATE = """
{kind} {{
  target          = {target}
  override_during = plan
  values = {values}
}}
"""
STACK_RUN_TEMPLATE = """
run "{name}" {{
  command = plan

  variables {{
    image_digest = "{image_digest}"
    app_version  = "{app_version}"
{tfvars}
  }}
}}
"""


def stack_overrides(terraform_dir: Path, region: str, project: str) -> str:
    """The override blocks for what a plan of this root module would ask AWS, or leave unknown."""
    secret = f"arn:aws:secretsmanager:{region}:{TEST_ACCOUNT_ID}:secret:{TEST_SECRET_NAME}"
    identity = {"account_id": TEST_ACCOUNT_ID}
    overrides = [
        ("override_data", "data.aws_caller_identity.current", identity),
        ("override_data", "module.network.data.aws_caller_identity.current", identity),
        ("override_data", "module.service.data.aws_caller_identity.current", identity),
        (
            "override_data",
            "module.network.data.aws_availability_zones.available",
            {"names": [f"{region}a", f"{region}b", f"{region}c"]},
        ),
        (
            "override_data",
            "data.aws_ecr_repository.app",
            {
                "arn": f"arn:aws:ecr:{region}:{TEST_ACCOUNT_ID}:repository/{project}",
                "repository_url": f"{TEST_ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{project}",
            },
        ),
    ]
    modules = terraform_dir / "modules"
    if (modules / "load_balancer" / "acm_certificate.tf").exists():
        overrides.append(
            (
                "override_data",
                "module.load_balancer.data.aws_route53_zone.this",
                {"zone_id": TEST_ZONE_ID, "arn": f"arn:aws:route53:::hostedzone/{TEST_ZONE_ID}"},
            )
        )
    if (modules / "load_balancer" / "cloudfront_only.tf").exists():
        overrides.append(
            (
                "override_data",
                "module.load_balancer.data.aws_ec2_managed_prefix_list.cloudfront",
                {"id": TEST_CLOUDFRONT_PREFIX_LIST_ID},
            )
        )
    if (modules / "cdn" / "certificate.tf").exists():
        overrides.append(
            (
                "override_data",
                "module.cdn.data.aws_route53_zone.this",
                {"zone_id": TEST_ZONE_ID, "arn": f"arn:aws:route53:::hostedzone/{TEST_ZONE_ID}"},
            )
        )
    secret_block = [{"secret_arn": secret, "secret_status": "active"}]
    if (modules / "database" / "aurora.tf").exists():
        endpoint = f"{project}.cluster-abcdefghijkl.{region}.rds.amazonaws.com"
        overrides.append(
            (
                "override_resource",
                "module.database.aws_rds_cluster.this",
                {
                    "endpoint": endpoint,
                    "master_user_secret": secret_block,
                    "cluster_resource_id": TEST_DATABASE_RESOURCE_ID.replace("db-", "cluster-"),
                },
            )
        )
    if (modules / "database" / "rds.tf").exists():
        address = f"{project}.abcdefghijkl.{region}.rds.amazonaws.com"
        overrides.append(
            (
                "override_resource",
                "module.database.aws_db_instance.this",
                {
                    "address": address,
                    "master_user_secret": secret_block,
                    "resource_id": TEST_DATABASE_RESOURCE_ID,
                },
            )
        )
    return "".join(
        OVERRIDE_TEMPLATE.format(kind=kind, target=target, values=hcl_value(values))
        for kind, target, values in overrides
    )


def hcl_value(value: Any) -> str:
    """A JSON value written as HCL (JSON's objects need `=` there)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {hcl_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(item) for item in value) + "]"
    return json.dumps(value)


def variable_default(variables_tf: str, name: str) -> str:
    """The string default of a variable in variables.tf."""
    match = re.search(rf'variable "{name}" {{[^}}]*?default\s*=\s*"([^"]*)"', variables_tf, re.S)
    assert match, f"variables.tf has no string default for {name}"
    return match.group(1)


def stack_run_name(environment: str) -> str:
    return f"stack_{environment}"


def root_key(terraform_dir: Path) -> str:
    """Content hash of the root module as its stack plans see it: bootstrap/ is a configuration
    of its own, tests/ is run suite by suite (check_suite), and READMEs change no plan."""
    digest = hashlib.sha256()
    for path in tree_files(terraform_dir):
        relative = path.relative_to(terraform_dir).as_posix()
        if relative.startswith(("bootstrap/", "tests/")) or relative.endswith(".md"):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class ToolMissing(Exception):
    """A tool the checks need is not installed here; the message says which."""


@dataclass(frozen=True)
class Step:
    """One command of a check: what ran, how it ended, what it said."""

    command: str
    returncode: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def report(self) -> str:
        return f"$ {self.command} (exit {self.returncode}, {self.seconds:.1f}s)\n{self.output}"


# ---------------------------------------------------------------------------------------------
# Terraform installation


@cache
def terraform_binary() -> str:
    binary = shutil.which("terraform")
    if binary is None:
        raise ToolMissing("terraform is not on PATH")
    return binary


@cache
def provider_mirror() -> Path | None:
    """The filesystem mirror named by TF_PROVIDER_MIRROR, or None to use the normal install."""
    named = os.environ.get("TF_PROVIDER_MIRROR", "").strip()
    if not named:
        return None
    mirror = Path(named)
    if not (mirror / "registry.terraform.io").is_dir():
        raise ToolMissing(f"TF_PROVIDER_MIRROR={named} holds no registry.terraform.io/ folder")
    return mirror


# Terraform and its AWS provider are Go programs that build the provider's large schema at every
# start, and a run starts the provider anew for each run block: with Go's defaults, garbage
# collection on both cores was a third of their CPU (a module suite of 20 runs: 27.8 core-seconds,
# 18.3 with these; bootstrap's 10.8, 8.7). One thread each, and a collection only near 1 GiB.
GO_RUNTIME = {"GOMAXPROCS": "1", "GOGC": "off", "GOMEMLIMIT": "1GiB"}


@cache
def terraform_env() -> dict[str, str]:
    env = {
        **os.environ,
        **GO_RUNTIME,
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "NO_COLOR": "1",
    }
    mirror = provider_mirror()
    if mirror is not None:
        config = (
            TERRAFORM_CACHE / f"cli-{hashlib.sha256(str(mirror).encode()).hexdigest()[:8]}.tfrc"
        )
        write_atomically(
            config,
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            f"    path    = {json.dumps(str(mirror))}\n"
            '    include = ["registry.terraform.io/*/*"]\n'
            "  }\n"
            "  direct {\n"
            '    exclude = ["registry.terraform.io/*/*"]\n'
            "  }\n"
            "}\n",
        )
        env["TF_CLI_CONFIG_FILE"] = str(config)
    elif not Path(env.get("TF_CLI_CONFIG_FILE", "~/.terraformrc")).expanduser().exists():
        env.pop("TF_CLI_CONFIG_FILE", None)
    return env


@cache
def terraform_version() -> str:
    output = subprocess.run(
        [terraform_binary(), "version", "-json"],
        capture_output=True,
        text=True,
        env=terraform_env(),
        check=True,
    ).stdout
    return json.loads(output)["terraform_version"]


def run(command: list[str], cwd: Path, stdout: Path | None = None) -> Step:
    """Run a command; its output is returned, or with `stdout` stdout goes to that file."""
    started = time.monotonic()
    with open(stdout, "w") if stdout else contextlib.nullcontext(subprocess.PIPE) as out:
        result = subprocess.run(
            command,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=terraform_env(),
            check=False,
        )
    return Step(
        command=" ".join([Path(command[0]).name, *command[1:]]),
        returncode=result.returncode,
        output=((result.stdout or "") + result.stderr).strip(),
        seconds=time.monotonic() - started,
    )


def terraform(*args: str, cwd: Path, stdout: Path | None = None) -> Step:
    return run([terraform_binary(), *args], cwd, stdout)


# ---------------------------------------------------------------------------------------------
# Memoization


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text() == text:
        return
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w") as file:
        file.write(text)
    os.replace(temporary, path)


@cache
@cache
def harness_hash() -> str:
    """What a result depends on besides the tree: this file, Terraform's version and where the
    providers come from. A change in any of them drops the results computed before it."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    try:
        version = subprocess.run(
            [terraform_binary(), "version", "-json"], capture_output=True, text=True, check=True
        ).stdout
        digest.update(json.loads(version)["terraform_version"].encode())
    except ToolMissing:
        digest.update(b"no terraform")
    try:
        digest.update(str(provider_mirror() or "provider registry").encode())
    except ToolMissing as missing:
        digest.update(str(missing).encode())
    return digest.hexdigest()[:12]


def tree_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".terraform" not in path.relative_to(root).parts:
            yield path


def tree_hash(root: Path, exclude: Iterable[str] = ()) -> str:
    excluded = tuple(exclude)
    digest = hashlib.sha256()
    for path in tree_files(root):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(excluded):
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Terraform checks of one tree


def stack_plan_file(terraform_dir: Path) -> str:
    """The harness test file for this root module: one plan per environment, of its tfvars over
    the variables' defaults, as `make deploy ENV=<environment>` applies them."""
    variables = (terraform_dir / "variables.tf").read_text()
    runs = "".join(
        STACK_RUN_TEMPLATE.format(
            name=stack_run_name(environment),
            image_digest=TEST_IMAGE_DIGEST,
            app_version=TEST_APP_VERSION,
            tfvars=textwrap.indent(
                (terraform_dir / "environments" / f"{environment}.tfvars").read_text(), "    "
            ),
        )
        for environment in ENVIRONMENTS
    )
    region = variable_default(variables, "aws_region")
    project = variable_default(variables, "project")
    return STACK_PLAN_TEMPLATE.format(
        overrides=stack_overrides(terraform_dir, region, project), runs=runs
    )


# bootstrap's run of its default variables (what `make bootstrap` applies): every assert on that
# plan is in it, and its plan is the one the IAM and settings checks read.
BOOTSTRAP_DEFAULT_RUN = "with_the_default_variables"
# The runs whose plans are kept: the harness's stack plans, and bootstrap's default plan.
KEPT_PLANS = (STACK_PLAN_FILE, f"tests/bootstrap.tftest.hcl::{BOOTSTRAP_DEFAULT_RUN}")


TEST_RUN_HEADER = re.compile(r'"@testfile":"([^"]*)","@testrun":"([^"]*)"')


def is_kept(test_file: str | None, run: str | None) -> bool:
    return test_file in KEPT_PLANS or f"{test_file}::{run}" in KEPT_PLANS


def kept_plan(line: str) -> bool:
    """Whether a test_plan line of `terraform test -json` is one of KEPT_PLANS (its file and run
    come first, with the rest of the message's header: the keys are sorted)."""
    header = TEST_RUN_HEADER.search(line, 0, 1000)
    return header is None or is_kept(header[1], header[2])


def parse_test_json(lines: Iterable[str]) -> dict[str, Any]:
    """The run outcomes, trimmed plans and errors of `terraform test -json [-verbose]`."""
    runs: dict[str, str] = {}
    plans: dict[str, Any] = {}
    errors: list[str] = []
    summary: dict[str, Any] = {}
    for line in lines:
        # A verbose plan is megabytes (it carries the provider's schemas): parse only those kept.
        if line.rstrip().endswith('"type":"test_plan"}') and not kept_plan(line):
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        kind = message.get("type")
        key = f"{message.get('@testfile')}::{message.get('@testrun')}"
        if kind == "test_run" and message["test_run"].get("progress") == "complete":
            runs[key] = message["test_run"]["status"]
        elif kind == "test_plan" and is_kept(message.get("@testfile"), message.get("@testrun")):
            plans[message["@testrun"]] = trimmed(message["test_plan"])
        elif kind == "test_summary":
            summary = message["test_summary"]
        elif message.get("@level") == "error" or kind == "diagnostic":
            diagnostic = message.get("diagnostic", {})
            errors.append(
                f"{key}: {message.get('@message')}"
                + (f"\n  {diagnostic.get('detail')}" if diagnostic.get("detail") else "")
            )
    return {"runs": runs, "plans": plans, "errors": errors, "summary": summary}


def steps_record(steps: dict[str, Step], test_errors: list[str]) -> dict[str, Any]:
    return {
        name: {
            "command": step.command,
            "returncode": step.returncode,
            "seconds": round(step.seconds, 2),
            # `terraform test -json` output is one JSON message a line: keep only its errors
            "output": "\n".join(test_errors) if name == "test" else step.output,
        }
        for name, step in steps.items()
    }


def run_tests(work: Path, test_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """terraform init + test in a scratch copy; the outcome, plans trimmed. `terraform test`
    validates the configuration before each run: a separate validate would load the provider's
    schema once more for nothing."""
    steps = {"init": terraform("init", "-backend=false", "-input=false", "-no-color", cwd=work)}
    parsed: dict[str, Any] = {"errors": []}
    if steps["init"].ok:
        # A verbose plan carries every provider schema (megabytes): stream it through a file.
        output = work.parent / "test-output.jsonl"
        steps["test"] = terraform("test", "-json", "-no-color", *test_args, cwd=work, stdout=output)
        with output.open() as lines:
            parsed = parse_test_json(lines)
        output.unlink()
    return {"steps": steps_record(steps, parsed["errors"]), **parsed}


def trimmed(plan: dict[str, Any]) -> dict[str, Any]:
    """What the assertions read from a plan (its full JSON carries every provider schema)."""
    return {key: plan[key] for key in ("resource_changes", "output_changes") if key in plan}


def scratch_copy(scratch: str, sources: dict[str, Path]) -> Path:
    """A terraform/ folder in scratch holding the given files and folders, by relative path."""
    work = Path(scratch) / "terraform"
    for relative, source in sources.items():
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(".terraform"))
        else:
            shutil.copy2(source, target)
    return work


@dataclass(frozen=True)
class TreeResult:
    """What init and `terraform test` said about one Terraform tree."""

    raw: dict[str, Any]

    def step(self, name: str) -> Step:
        step = self.raw["steps"].get(name)
        if step is None:
            return Step(name, -1, "not run: an earlier step failed\n" + self.report(), 0.0)
        return Step(step["command"], step["returncode"], step["output"], step["seconds"])

    @property
    def runs(self) -> dict[str, str]:
        return self.raw.get("runs", {})

    def plan(self, environment: str) -> TerraformPlanOutput:
        return self.run_plan(stack_run_name(environment))

    def run_plan(self, name: str) -> TerraformPlanOutput:
        assert name in self.raw["plans"], f"no plan of run {name}\n{self.report()}"
        return TerraformPlanOutput(self.raw["plans"][name])

    def report(self) -> str:
        return "\n\n".join(self.step(name).report() for name in self.raw["steps"])


def check_root(render: Render, *, wait: bool = True) -> TreeResult:
    """init the root module and plan the whole stack once per environment."""
    terraform_dir = render.project / "terraform"
    key = f"root-{root_key(terraform_dir)}-{harness_hash()}"

    def compute() -> dict[str, Any]:
        sources = {
            path.name: path
            for path in terraform_dir.iterdir()
            if path.name not in ("bootstrap", "tests", ".terraform")
        }
        with tempfile.TemporaryDirectory(prefix="root-", dir=TERRAFORM_CACHE) as scratch:
            work = scratch_copy(scratch, sources)
            (work / STACK_PLAN_FILE).parent.mkdir(exist_ok=True)
            (work / STACK_PLAN_FILE).write_text(stack_plan_file(work))
            cloudfront = (work / "modules" / "cdn").is_dir()
            (work / OFFLINE_PROVIDER_FILE).write_text(
                OFFLINE_PROVIDER + ("\n" + OFFLINE_US_EAST_1_PROVIDER if cloudfront else "")
            )
            return run_tests(work, test_args=("-verbose",))

    return TreeResult(cached_json("terraform", key, compute, wait=wait))


SUITE_TARGET = re.compile(r'source\s*=\s*"\./modules/([\w-]+)"')


def check_suite(render: Render, suite: Path, *, wait: bool = True) -> TreeResult:
    """One generated tests/*.tftest.hcl, run next to the one module its run blocks target.

    Every run block of a suite plans a single module (`module { source = "./modules/x" }`), so
    the suite's outcome depends only on that file, that module and the provider pins: running
    it in a tree holding just those gives the same result, and lets the combinations that
    render them identically share one run. The root module itself is validated and planned by
    check_root.
    """
    terraform_dir = render.project / "terraform"
    targets = set(SUITE_TARGET.findall(suite.read_text()))
    assert len(targets) == 1, f"{suite.name} must test exactly one module, not {targets}"
    module = terraform_dir / "modules" / targets.pop()
    key = hashlib.sha256(
        b"".join(
            [
                suite.read_bytes(),
                (terraform_dir / "versions.tf").read_bytes(),
                tree_hash(module).encode(),
            ]
        )
    ).hexdigest()[:16]

    def compute() -> dict[str, Any]:
        sources = {
            "versions.tf": terraform_dir / "versions.tf",
            f"modules/{module.name}": module,
            f"tests/{suite.name}": suite,
        }
        with tempfile.TemporaryDirectory(prefix="suite-", dir=TERRAFORM_CACHE) as scratch:
            return run_tests(scratch_copy(scratch, sources))

    return TreeResult(cached_json("terraform", f"suite-{key}-{harness_hash()}", compute, wait=wait))


def check_bootstrap(render: Render, *, wait: bool = True) -> TreeResult:
    """init and `terraform test` terraform/bootstrap."""
    bootstrap_dir = render.project / "terraform" / "bootstrap"
    naming_dir = render.project / "terraform" / "modules" / "naming"
    key = f"bootstrap-{tree_hash(bootstrap_dir)}-{tree_hash(naming_dir)}-{harness_hash()}"

    def compute() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="bootstrap-", dir=TERRAFORM_CACHE) as scratch:
            work = scratch_copy(scratch, {"bootstrap": bootstrap_dir, "modules/naming": naming_dir})
            return run_tests(work / "bootstrap", test_args=("-verbose",))

    return TreeResult(cached_json("terraform", key, compute, wait=wait))


def check_ahead(renders: Iterable[Render], *, checkov: bool) -> None:
    """Compute, before the tests ask for them, the checks of the distinct trees among `renders`
    (root module, bootstrap/, module suites) and, with `checkov`, the checkov batches. Every
    xdist worker walks the same list, longest first, and takes what no other worker holds, so
    the work spreads evenly however long each check turns out to be; a test then reads its
    result from the cache, waiting for it if a worker is still computing it."""
    distinct: dict[str, Render] = {}
    for rendered in renders:
        distinct.setdefault(root_key(rendered.project / "terraform"), rendered)
    checks: list[Callable[[], object]] = []
    if checkov:
        checks.append(partial(checkov_pairwise, wait=False))
    for rendered in distinct.values():
        checks += [
            partial(check_root, rendered, wait=False),
            partial(check_bootstrap, rendered, wait=False),
        ]
        checks += [
            partial(check_suite, rendered, suite, wait=False)
            for suite in sorted((rendered.project / "terraform" / "tests").glob("*.tftest.hcl"))
        ]
    for check in checks:
        with contextlib.suppress(Taken):
            check()


def terraform_ready() -> None:
    """Raise ToolMissing unless terraform and the provider source are usable."""
    terraform_binary()
    provider_mirror()
    TERRAFORM_CACHE.mkdir(parents=True, exist_ok=True)
    terraform_env()


# ---------------------------------------------------------------------------------------------
# checkov


@cache
def checkov_binary() -> str:
    named = os.environ.get("CHECKOV") or str(TEMPLATE_ROOT / ".venv-checkov" / "bin" / "checkov")
    if not Path(named).is_file():
        raise ToolMissing(f"checkov is not installed at {named} (run `make install`)")
    return named


CHECKOV_FRAMEWORKS = ("terraform", "dockerfile", "github_actions")


def checkov_batch(renders: dict[str, Render], group: str, *, wait: bool = True) -> dict[str, Any]:
    """One checkov run over copies of several projects (startup dominates a single run)."""
    key = hashlib.sha256(
        json.dumps(
            {name: tree_hash(render.project) for name, render in sorted(renders.items())}
        ).encode()
    ).hexdigest()[:16]
    return cached_json(
        "checkov", f"{group}-{key}-{harness_hash()}", lambda: run_checkov(renders), wait=wait
    )


def checkov_pairwise(*, wait: bool = True) -> dict[str, Any]:
    """checkov over the pairwise sample of combinations, in one run."""
    renders = {combination.id: render(combination.answers) for combination in PAIRWISE}
    return checkov_batch(renders, group="pairwise", wait=wait)


def run_checkov(renders: dict[str, Render]) -> dict[str, Any]:
    CHECKOV_CACHE.mkdir(parents=True, exist_ok=True)
    reports: dict[str, dict[str, Any]] = {
        name: {"failed": [], "skipped": [], "parsing_errors": [], "passed": {}} for name in renders
    }
    with tempfile.TemporaryDirectory(prefix="batch-", dir=CHECKOV_CACHE) as scratch:
        for name, render in renders.items():
            shutil.copytree(render.project, Path(scratch) / name, symlinks=True)
        command = [
            checkov_binary(),
            "--directory",
            scratch,
            "--framework",
            *CHECKOV_FRAMEWORKS,
            "--skip-download",
            "--compact",
            "--output",
            "json",
        ]
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = round(time.monotonic() - started, 1)
        # exit 1 just means failed checks, which the tests report per project
        if result.returncode not in (0, 1):
            return {
                "error": f"checkov exited {result.returncode}:\n{result.stderr}",
                "seconds": seconds,
            }
        try:
            parsed = json.loads(result.stdout)
        except json.JSONDecodeError:
            return {
                "error": f"checkov printed no JSON:\n{result.stdout}\n{result.stderr}",
                "seconds": seconds,
            }
        for framework_report in parsed if isinstance(parsed, list) else [parsed]:
            results = framework_report.get("results", {})
            # How many checks passed per framework and project: a framework that found nothing
            # to check in a project would otherwise pass unnoticed.
            for check in results.get("passed_checks", []):
                name = check["file_path"].lstrip("/").partition("/")[0]
                passed = reports[name]["passed"]
                framework = framework_report.get("check_type", "?")
                passed[framework] = passed.get(framework, 0) + 1
            for outcome in ("failed", "skipped"):
                for check in results.get(f"{outcome}_checks", []):
                    name, _, path = check["file_path"].lstrip("/").partition("/")
                    reports[name][outcome].append(
                        {
                            "check_id": check["check_id"],
                            "check_name": check.get("check_name") or "",
                            "resource": check.get("resource") or "",
                            "file": path,
                            "comment": (check.get("check_result") or {}).get("suppress_comment")
                            or "",
                        }
                    )
            for path in results.get("parsing_errors", []):
                relative = Path(path).resolve().relative_to(Path(scratch).resolve())
                name, _, rest = relative.as_posix().partition("/")
                reports[name]["parsing_errors"].append({"file": rest})
    return {"error": None, "reports": reports, "seconds": seconds}


def plan_file(plan: TerraformPlanOutput) -> dict[str, Any]:
    """A `terraform show -json` plan checkov reads, from the resource changes of a test plan."""
    changes = list(plan.resource_changes.values())
    resources = [
        {
            "address": change["address"],
            "mode": change["mode"],
            "type": change["type"],
            "name": change["name"],
            "provider_name": change["provider_name"],
            "values": change["change"]["after"] or {},
            **({"index": change["index"]} if "index" in change else {}),
        }
        for change in changes
        if change["mode"] == "managed"
    ]
    return {
        "format_version": "1.2",
        # checkov takes a file for a plan only when it names the Terraform that made it.
        "terraform_version": terraform_version(),
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
    }


def checkov_plan_scan(plans: dict[str, TerraformPlanOutput]) -> dict[str, Any]:
    """checkov's terraform_plan framework over plans, where the policies are resolved."""
    files = {
        name: json.dumps(plan_file(plan), sort_keys=True) for name, plan in sorted(plans.items())
    }
    key = hashlib.sha256(json.dumps(files).encode()).hexdigest()[:16]

    def compute() -> dict[str, Any]:
        CHECKOV_CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="plans-", dir=CHECKOV_CACHE) as scratch:
            for name, text in files.items():
                (Path(scratch) / f"{name}.json").write_text(text)
            result = subprocess.run(
                [checkov_binary(), "--directory", scratch, "--framework", "terraform_plan",
                 "--skip-download", "--compact", "--output", "json"],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        if result.returncode not in (0, 1):
            return {"error": f"checkov exited {result.returncode}:\n{result.stderr}"}
        parsed = json.loads(result.stdout)
        reports = parsed if isinstance(parsed, list) else [parsed]
        checks = [
            {
                "outcome": outcome,
                "check_id": check["check_id"],
                "resource": check["resource"],
                "file": Path(check["file_path"]).stem,
            }
            for report in reports
            for outcome in ("passed", "failed")
            for check in report.get("results", {}).get(f"{outcome}_checks", [])
        ]
        return {"error": None, "checks": checks}

    return cached_json("checkov", f"plans-{key}-{harness_hash()}", compute)
