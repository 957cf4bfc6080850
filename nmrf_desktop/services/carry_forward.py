"""Carrying work forward between cycles: suggestions, carry, decline, undo and lineage.

When an imported recommendation overlaps an earlier one that already has agencies,
actions or progress, the coordinator is offered to assign the same agencies and link the
same actions to the new one (issue 17). Nothing is carried without a human decision;
every decision and undo is audited, is taken on the central record only, and travels to
laptops in packs (`carry_forwards`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from nmrf_desktop.services.record import Record

log = logging.getLogger(__name__)

CARRIED, DECLINED = "carried", "declined"


class CarryRefused(Exception):
    """A carry-forward decision that cannot be taken (unknown reference, no such
    suggestion, an agency or action not offered, a laptop): nothing was changed."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An earlier recommendation the new one repeats, with work on it."""

    earlier_id: str
    earlier_reference: str
    earlier_cycle: int | None
    earlier_text: str  # excerpt
    agencies: tuple[tuple[str, str, str], ...]  # (code, name, role) assigned there, not here
    actions: tuple[tuple[str, str, str], ...]  # (action id, title, agency code) there, not here
    progress: int  # progress updates recorded on the earlier one
    reason: str  # why detection matched them


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One new recommendation, in one cluster, with the earlier ones it may repeat."""

    cluster_id: str
    recommendation_id: str
    reference: str
    cycle: int | None
    text: str  # excerpt
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class Lineage:
    """One carry-forward decision as people see it (from the side of `reference`).

    `direction` is "repeats" when `reference` is the new recommendation, "repeated by"
    when it is the earlier one (then `earlier_reference` names the later one).
    """

    id: str
    reference: str
    earlier_reference: str
    earlier_cycle: int | None
    verdict: str  # "carried" | "declined"
    agencies: tuple[str, ...]  # agency codes the carry assigned
    actions: tuple[str, ...]  # action ids the carry linked
    decided_by: str
    decided_at: dt.datetime
    direction: str = "repeats"
    note: str = ""

    def describe(self) -> str:
        """"repeats NZL-UPR18-042 (cycle 3)" or "repeated by …"; a declined one says so."""
        raise NotImplementedError


def suggestions(record: Record, *, country: str | None = None,
                references: Iterable[str] | None = None) -> list[Suggestion]:
    """Recommendations that repeat earlier ones with work on them, not yet decided.

    Only from clusters the detector found or a coordinator confirmed (never a rejected
    pair); `references` limits them to these new recommendations.
    """
    raise NotImplementedError


def carry(record: Record, reference: str, earlier_reference: str, *,
          agencies: Iterable[str] | None = None, actions: Iterable[str] | None = None,
          note: str = "") -> Lineage:
    """Assign the offered agencies (same role) and link the offered actions to the new
    recommendation; None = everything offered. One transaction, audited."""
    raise NotImplementedError


def decline(record: Record, reference: str, earlier_reference: str, note: str = "") -> Lineage:
    """Record that this pair is not carried: it is not offered again. Audited."""
    raise NotImplementedError


def undo(record: Record, decision_id: str) -> Lineage:
    """Take back exactly what the decision added and forget the decision. Audited."""
    raise NotImplementedError


def lineage(record: Record, reference: str) -> list[Lineage]:
    """Every decision on this recommendation, both directions: repeats / repeated by."""
    raise NotImplementedError


__all__ = ["CARRIED", "DECLINED", "Candidate", "CarryRefused", "Lineage", "Suggestion",
           "carry", "decline", "lineage", "suggestions", "undo"]
