"""Clusters from scored pairs: greedy, strongest first, with decisions and a chaining guard."""

from __future__ import annotations

from collections.abc import Callable, Iterable


class _Groups:
    def __init__(self, members: Iterable[str]) -> None:
        self.of: dict[str, str] = {m: m for m in members}
        self.sets: dict[str, list[str]] = {m: [m] for m in self.of}

    def merge(self, x: str, y: str) -> None:
        rx, ry = self.of[x], self.of[y]
        if len(self.sets[rx]) < len(self.sets[ry]) or (
                len(self.sets[rx]) == len(self.sets[ry]) and ry < rx):
            rx, ry = ry, rx
        moved = self.sets.pop(ry)
        for m in moved:
            self.of[m] = rx
        self.sets[rx].extend(moved)


def greedy(members: Iterable[str], edges: Iterable[tuple[float, str, str]], *,
           must: Iterable[tuple[str, str]] = (), cannot: set[tuple[str, str]] | None = None,
           cohesive: Callable[[list[str], list[str]], bool] | None = None) -> list[list[str]]:
    """Groups of two or more, each sorted; groups are formed by merging along edges.

    Must-links merge first (unless a cannot-link forbids it); then edges by falling score
    (ties by ids) merge two groups only if no cannot-link spans them and `cohesive` agrees.
    """
    groups = _Groups(sorted(set(members)))
    cannot = cannot or set()
    by_member: dict[str, set[str]] = {}
    for a, b in cannot:
        by_member.setdefault(a, set()).add(b)
        by_member.setdefault(b, set()).add(a)

    def allowed(left: list[str], right: list[str]) -> bool:
        if not by_member:
            return True
        other = set(right)
        return not any(by_member.get(m, set()) & other for m in left)

    def join(a: str, b: str, forced: bool) -> None:
        if a not in groups.of or b not in groups.of:
            return
        ra, rb = groups.of[a], groups.of[b]
        if ra == rb:
            return
        left, right = groups.sets[ra], groups.sets[rb]
        if not allowed(left, right):
            return
        if not forced and cohesive is not None and not cohesive(left, right):
            return
        groups.merge(a, b)

    for a, b in sorted(must):
        join(a, b, True)
    for _score, a, b in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        join(a, b, False)
    return sorted(sorted(s) for s in groups.sets.values() if len(s) > 1)
