"""The option combinations every check runs over: one list, readable ids."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hooks.questions import CHOICES

# Every accepted value of each option that shapes the generated tree.
DATABASES = CHOICES["database"]
HTTPS_MODES = CHOICES["https"]
NAT_GATEWAYS = CHOICES["nat_gateways"]
CPU_ARCHITECTURES = CHOICES["cpu_architecture"]

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
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.database}-https_{self.https}-nat_{self.nat_gateways}-{self.cpu_architecture}"

    @property
    def answers(self) -> dict[str, str]:
        return {
            "database": self.database,
            "https": self.https,
            "nat_gateways": self.nat_gateways,
            "cpu_architecture": self.cpu_architecture,
            **https_answers(self.https),
            **self.extra,
        }


COMBINATIONS: list[Combination] = [
    Combination(*values)
    for values in itertools.product(DATABASES, HTTPS_MODES, NAT_GATEWAYS, CPU_ARCHITECTURES)
]
DEFAULT = Combination("postgresql", "off", "single", "arm64")


def one_per_database() -> list[Combination]:
    """The cheapest sample covering every database: what the app suites run on."""
    return [Combination(db, "off", "single", "arm64") for db in DATABASES]
