"""The review screen's work on the worker: carry or decline many decisions, one
transaction each, with progress, stopping at a refusal or when the coordinator asks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from nmrf_desktop.services import carry_forward
from nmrf_desktop.services.carry_forward import Candidate, Lineage, Suggestion
from nmrf_desktop.services.progress import Cancelled, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.overlap.carry_model import Decision

log = logging.getLogger(__name__)
_P = TypeVar("_P")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a Carry Selected or Decline press did: the decisions taken, the refusal that
    stopped it (if one did), and whether the coordinator stopped it."""

    done: list[Lineage]
    refusal: str = ""
    stopped: bool = False


def _each(items: Sequence[_P], take: Callable[[_P], Lineage], name: Callable[[_P], str],
          progress: Progress | None) -> Outcome:
    """On the worker: take each decision (each its own transaction) until a refusal or a
    stop; what was taken stays taken (and goes on the undo stack)."""
    done: list[Lineage] = []
    if progress is not None:
        progress.start(len(items))
    for item in items:
        try:
            done.append(take(item))
        except carry_forward.CarryRefused as exc:
            log.warning("carry-forward decision refused: %s: %s", name(item), exc)
            return Outcome(done, f"{name(item)}: {exc}")
        try:
            if progress is not None:
                progress.advance()
        except Cancelled:
            return Outcome(done, stopped=len(done) < len(items))
    return Outcome(done)


def carry_all(record: Record, decisions: Sequence[Decision],
              progress: Progress | None = None) -> Outcome:
    """On the worker: carry what was ticked under each earlier recommendation."""
    return _each(decisions, lambda d: carry_forward.carry(
        record, d.suggestion.reference, d.candidate.earlier_reference,
        agencies=d.agencies, actions=d.actions),
        lambda d: d.suggestion.reference, progress)


def decline_all(record: Record, pairs: Sequence[tuple[Suggestion, Candidate]],
                progress: Progress | None = None) -> Outcome:
    """On the worker: decline each (new, earlier) pair."""
    return _each(pairs, lambda p: carry_forward.decline(record, p[0].reference,
                                                        p[1].earlier_reference),
                 lambda p: p[0].reference, progress)
