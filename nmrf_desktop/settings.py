"""Every setting declared once, with its type, default and description."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Option(Generic[T]):
    key: str
    default: T
    description: str


EVIDENCE_MAX_BYTES = Option("evidence/max_bytes", 100 * 1024 * 1024,
                            "Largest evidence file that can be attached, in bytes.")
STALE_MONTHS = Option("overview/stale_months", 6,
                      "Items with no progress update for this many months are listed as stale.")
BACKUPS_KEPT = Option("backup/kept", 10, "How many automatic backups are kept.")
