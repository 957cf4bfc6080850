"""Plain records of overlap detection: documents, matches, clusters, human decisions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

CONFIRM = "confirm"
REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Doc:
    """A recommendation as detection sees it; `group` is the state under review."""

    id: str
    group: str
    text: str


@dataclass(frozen=True, slots=True)
class Match:
    """Two recommendations that ask the same thing, and why (a, b sorted)."""

    a: str
    b: str
    basis: str  # "instrument", "text" or "confirmed"
    score: float
    reason: str


@dataclass(slots=True)
class Cluster:
    """Recommendations asking the same thing; `channel` is the ask key or 'text'."""

    group: str
    channel: str
    members: list[str]
    reasons: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Stable across runs while the membership stays the same."""
        key = "\x1f".join([self.group, *sorted(self.members)])
        return "OC-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class Decision:
    """A coordinator's verdict on a pair, keyed by recommendation UUIDs (a < b)."""

    a: str
    b: str
    verdict: str  # CONFIRM or REJECT


def pair(x: str, y: str) -> tuple[str, str]:
    return (x, y) if x < y else (y, x)
