"""Which images an ECR lifecycle policy expires, by the rules AWS documents.

- Rules are evaluated in rulePriority order.
- An image that matches a rule's tag selection (tagStatus, tagPrefixList) cannot be expired by a
  rule of lower priority, whether or not that rule expires it.
- imageCountMoreThan keeps that many of the most recently pushed matching images;
  sinceImagePushed expires the matching images older than the count.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Image:
    digest: str
    tags: tuple[str, ...]
    pushed: datetime.datetime


def matches(rule: dict[str, Any], image: Image) -> bool:
    selection = rule["selection"]
    status = selection["tagStatus"]
    if status == "untagged":
        return not image.tags
    if status == "any":
        return True
    prefixes = selection.get("tagPrefixList", [])
    # With several prefixes, an image must have a tag starting with each of them.
    return bool(image.tags) and all(
        any(tag.startswith(prefix) for tag in image.tags) for prefix in prefixes
    )


def expired(policy: dict[str, Any], images: list[Image], now: datetime.datetime) -> set[str]:
    """The digests of the images the policy expires at `now`."""
    claimed: set[str] = set()
    expiring: set[str] = set()
    for rule in sorted(policy["rules"], key=lambda rule: rule["rulePriority"]):
        selection = rule["selection"]
        candidates = sorted(
            (image for image in images if image.digest not in claimed and matches(rule, image)),
            key=lambda image: image.pushed,
            reverse=True,
        )
        if selection["countType"] == "imageCountMoreThan":
            chosen = candidates[selection["countNumber"] :]
        else:
            age = datetime.timedelta(days=selection["countNumber"])
            chosen = [image for image in candidates if now - image.pushed > age]
        if rule["action"]["type"] == "expire":
            expiring |= {image.digest for image in chosen}
        claimed |= {image.digest for image in candidates}
    return expiring
