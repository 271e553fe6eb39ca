"""The option combinations the checks run over, with readable ids: every combination for the
static checks, and a covering sample of them for the checks that run Terraform and checkov."""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from hooks.questions import CHOICES

# Every accepted value of each option that shapes the generated tree.
DATABASES = CHOICES["database"]
HTTPS_MODES = CHOICES["https"]
NAT_GATEWAYS = CHOICES["nat_gateways"]
CPU_ARCHITECTURES = CHOICES["cpu_architecture"]
WAF = CHOICES["waf"]
EVENTS = CHOICES["events"]
OBJECT_STORAGE = CHOICES["object_storage"]
CDN = CHOICES["cdn"]

DOMAIN_NAME = "api.acme.com"
ROUTE53_ZONE = "acme.com"
CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/8f6b1c2e-3d4a-4b5c-9e7f-0a1b2c3d4e5f"
)


def https_answers(https: str) -> dict[str, str]:
    """The answers that go with an https mode (the extra questions it asks)."""
    if https == "acm-route53":
        return {"domain_name": DOMAIN_NAME, "route53_zone": ROUTE53_ZONE}
    if https == "acm-existing":
        return {"domain_name": DOMAIN_NAME, "certificate_arn": CERTIFICATE_ARN}
    return {}


@dataclass(frozen=True)
class Combination:
    database: str
    https: str
    nat_gateways: str
    cpu_architecture: str
    waf: str = "no"
    events: str = "no"
    object_storage: str = "no"
    cdn: str = "no"
    # Answers beyond the options (a region, say): named, never positional.
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False, kw_only=True)

    @property
    def id(self) -> str:
        waf = "-waf" if self.waf == "yes" else ""
        events = "-events" if self.events == "yes" else ""
        storage = "-storage" if self.object_storage == "yes" else ""
        cdn = "-cdn" if self.cdn == "yes" else ""
        return (
            f"{self.database}-https_{self.https}-nat_{self.nat_gateways}-{self.cpu_architecture}"
            f"{waf}{events}{storage}{cdn}"
        )

    @property
    def options(self) -> dict[str, str]:
        """Every option's value, asked or not (the hooks see the unasked ones' defaults)."""
        return dict(zip(OPTION_NAMES, option_values(self), strict=True))

    @property
    def answers(self) -> dict[str, str]:
        return {
            "database": self.database,
            "https": self.https,
            "nat_gateways": self.nat_gateways,
            "cpu_architecture": self.cpu_architecture,
            "waf": self.waf,
            "cdn": self.cdn,
            # Asked only with a database (as the https mode's own questions are only with it).
            **(
                {"events": self.events, "object_storage": self.object_storage}
                if self.database != "none"
                else {}
            ),
            **https_answers(self.https),
            **self.extra,
        }


OPTIONS = (
    DATABASES,
    HTTPS_MODES,
    NAT_GATEWAYS,
    CPU_ARCHITECTURES,
    WAF,
    EVENTS,
    OBJECT_STORAGE,
    CDN,
)
DEFAULT = Combination("postgresql", "off", "single", "arm64", "no", "no", "no", "no")
# The options that need the items of a database (the hook refuses them with database none).
ITEM_OPTIONS = slice(5, 7)


def accepted(values: tuple[str, ...]) -> bool:
    """Whether the hook accepts these option values (in OPTIONS' order): events and object
    storage work on the items, which database none has none of."""
    return not (values[0] == "none" and "yes" in values[ITEM_OPTIONS])


# Every combination the hook accepts. Too many to render each (936, each a cookiecutter run of
# about 1.5 s): the checks run over the covering samples below.
COMBINATIONS: list[Combination] = [
    Combination(*values) for values in itertools.product(*OPTIONS) if accepted(values)
]


OPTION_NAMES = tuple(field.name for field in fields(Combination)[: len(OPTIONS)])


def option_values(combination: Combination) -> tuple[str, ...]:
    return tuple(getattr(combination, name) for name in OPTION_NAMES)


def covering_sample(
    combinations: list[Combination],
    strength: int,
    values: Callable[[Combination], tuple[str, ...]] = option_values,
) -> list[Combination]:
    """Combinations that together hold every `strength` values of any `strength` options that
    any of `combinations` holds (a covering array), the first of them first. `values` names
    what counts as an option's value: by default every option's answer; a check that reads
    fewer options, or reads two answers alike, covers what it reads (sampling by concern).

    Greedy, and so the same on every run: each next one is the combination whose missing value
    tuples weigh most, a tuple weighing 1/(how many combinations hold it), so that the rare
    ones are taken early instead of costing a combination each at the end; the earliest wins a
    tie. (allpairspy, used before, left a pair out once the options had rules, and its 3-wise
    arrays miss most triples.)
    """
    positions = list(itertools.combinations(range(len(values(combinations[0]))), strength))

    def value_tuples(combination: Combination) -> frozenset[tuple[object, ...]]:
        answered = values(combination)
        return frozenset((at, tuple(answered[i] for i in at)) for at in positions)

    held = {combination: value_tuples(combination) for combination in combinations}
    sample = [combinations[0]]
    missing = set().union(*held.values()) - held[combinations[0]]
    while missing:
        holders = Counter(value for found in held.values() for value in found & missing)
        weight = {value: 1 / count for value, count in holders.items()}
        # fsum: exact whatever the order sets iterate in, which differs between processes.
        best = max(combinations, key=lambda c: math.fsum(weight[v] for v in held[c] & missing))
        sample.append(best)
        missing -= held[best]
    return sample


# Every pair of option values at least once, the default first: the checks that run Terraform
# or checkov (seconds to minutes each) run over it. A fault needs two options to meet in nearly
# every case.
PAIRWISE = covering_sample(COMBINATIONS, 2)
# Every three option values at least once: rendering and the static checks of the rendered
# files (tree hygiene, what an unselected option leaves, ruff, terraform fmt, the workflows'
# lint), which cost about a second each: where three options meet in one file (the generated
# conftest.py: database, events, object storage), the three-way sample sees every way.
THREE_WISE = covering_sample(COMBINATIONS, 3)
assert PAIRWISE[0] == THREE_WISE[0] == DEFAULT, "the options' first choices make the default"


# The emulated or made-up AWS resources the app is configured with where no stack made them.
TEST_EVENT_BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-bus/orders-api-test"
TEST_ASSETS_BUCKET = "orders-api-test-assets"


def required_outside_local(combination: Combination) -> dict[str, str]:
    """What the app requires outside ENVIRONMENT=local besides its database (the task definition
    sets it): with events, a bus to publish on; with object storage, a bucket; here ones nobody
    has created."""
    settings = {}
    if combination.events == "yes":
        settings["EVENT_BUS_ARN"] = (
            "arn:aws:events:us-east-1:123456789012:event-bus/orders-api-test"
        )
    if combination.object_storage == "yes":
        settings["ASSETS_BUCKET"] = TEST_ASSETS_BUCKET
    return settings


def signable_uploads(combination: Combination) -> dict[str, str]:
    """With object storage, what lets the app sign upload tickets with no AWS to call (signing
    is local): a bucket, a region and made-up credentials."""
    if combination.object_storage == "no":
        return {}
    return {
        "ASSETS_BUCKET": TEST_ASSETS_BUCKET,
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }


def distinct_trees(combinations: Iterable[Combination], parts: Iterable[str]) -> list[Combination]:
    """The first of `combinations` for each distinct rendered content of `parts` (files or
    folders of the project): what a check that reads only those parts needs to run on."""
    from harness.rendering import render

    parts = tuple(parts)
    chosen: dict[str, Combination] = {}
    for combination in combinations:
        result = render(combination.answers)
        assert result.returncode == 0, result.stderr
        chosen.setdefault(content_hash(result.project, parts), combination)
    return list(chosen.values())


def content_hash(project: Path, parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        root = project / part
        paths = sorted(root.rglob("*")) if root.is_dir() else [root] if root.exists() else []
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(project)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
