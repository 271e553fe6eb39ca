"""The option combinations the checks run over, with readable ids: every combination for the
static checks, and a covering sample of them for the checks that run Terraform and checkov."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from allpairspy import AllPairs

from hooks.questions import CHOICES

# Every accepted value of each option that shapes the generated tree.
DATABASES = CHOICES["database"]
HTTPS_MODES = CHOICES["https"]
NAT_GATEWAYS = CHOICES["nat_gateways"]
CPU_ARCHITECTURES = CHOICES["cpu_architecture"]
WAF = CHOICES["waf"]
EVENTS = CHOICES["events"]

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
    # Answers beyond the options (a region, say): named, never positional.
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False, kw_only=True)

    @property
    def id(self) -> str:
        waf = "-waf" if self.waf == "yes" else ""
        events = "-events" if self.events == "yes" else ""
        return (
            f"{self.database}-https_{self.https}-nat_{self.nat_gateways}-{self.cpu_architecture}"
            f"{waf}{events}"
        )

    @property
    def answers(self) -> dict[str, str]:
        return {
            "database": self.database,
            "https": self.https,
            "nat_gateways": self.nat_gateways,
            "cpu_architecture": self.cpu_architecture,
            "waf": self.waf,
            # Asked only with a database (as the https mode's own questions are only with it).
            **({"events": self.events} if self.database != "none" else {}),
            **https_answers(self.https),
            **self.extra,
        }


OPTIONS = (DATABASES, HTTPS_MODES, NAT_GATEWAYS, CPU_ARCHITECTURES, WAF, EVENTS)
DEFAULT = Combination("postgresql", "off", "single", "arm64", "no", "no")


def accepted(values: tuple[str, ...] | list[str]) -> bool:
    """Whether the hook accepts these option values (the first of OPTIONS' order), complete or
    a prefix: events publish the items' writes, which database none has none of."""
    return not (len(values) == len(OPTIONS) and values[0] == "none" and values[-1] == "yes")


# Every combination the hook accepts: rendering and the static checks of the rendered files.
COMBINATIONS: list[Combination] = [
    Combination(*values) for values in itertools.product(*OPTIONS) if accepted(values)
]

# A sample holding every pair of option values at least once (a pairwise covering array), the
# default combination first: the checks that run Terraform or checkov, which cost seconds to
# minutes each, run over it instead of the whole product. A fault needs two options to meet in
# nearly every case (three or more rarely); the static checks above still see every
# combination. AllPairs is deterministic, so the sample is the same on every run.
PAIRWISE: list[Combination] = [
    Combination(*values) for values in AllPairs(OPTIONS, filter_func=accepted)
]
assert PAIRWISE[0] == DEFAULT, "the options' first choices must make the default combination"


def required_outside_local(combination: Combination) -> dict[str, str]:
    """What the app requires outside ENVIRONMENT=local besides its database (the task definition
    sets it): with events, a bus to publish on, here one nobody has created."""
    if combination.events == "yes":
        return {"EVENT_BUS_ARN": "arn:aws:events:us-east-1:123456789012:event-bus/orders-api-test"}
    return {}


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
