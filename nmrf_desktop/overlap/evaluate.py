"""Pair-level precision, recall and F1 of clusters against labelled groups."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def pairs_of(groups: Iterable[Iterable[str]]) -> set[Pair]:
    """Every unordered pair inside a group; a member may sit in several groups."""
    out: set[Pair] = set()
    for group in groups:
        members = sorted(set(group))
        out.update((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    return out


def score(predicted: Iterable[Iterable[str]], truth: Iterable[Iterable[str]], *,
          only: Callable[[Pair], bool] | None = None) -> Scores:
    """Scores over the pairs of both sides; `only` keeps the pairs that count (e.g. those
    joining a treaty-body recommendation to a UPR one), on both sides alike."""
    got, want = pairs_of(predicted), pairs_of(truth)
    if only is not None:
        got, want = {p for p in got if only(p)}, {p for p in want if only(p)}
    hit = len(got & want)
    p = hit / len(got) if got else 0.0
    r = hit / len(want) if want else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f, len(want), len(got), hit)
