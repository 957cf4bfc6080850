"""TF-IDF vectors over word stems and stem pairs, scored through an inverted index."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping


class TermStats:
    """Document frequencies: updated as documents come and go, so idf stays current."""

    def __init__(self, df: Mapping[str, int] | None = None, docs: int = 0) -> None:
        self.df: dict[str, int] = dict(df or {})
        self.docs = docs

    def add(self, terms: Iterable[str]) -> None:
        df = self.df
        for t in terms:
            df[t] = df.get(t, 0) + 1
        self.docs += 1

    def remove(self, terms: Iterable[str]) -> None:
        df = self.df
        for t in terms:
            n = df.get(t, 0) - 1
            if n > 0:
                df[t] = n
            else:
                df.pop(t, None)
        self.docs = max(0, self.docs - 1)

    def idf(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.df.get(term, 0))) + 1.0

    def vector(self, counts: Mapping[str, float]) -> dict[str, float]:
        """Sublinear tf times idf, L2-normalised."""
        vec = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {t: w / norm for t, w in vec.items()}


def cosine(u: Mapping[str, float], v: Mapping[str, float]) -> float:
    if len(u) > len(v):
        u, v = v, u
    return sum(w * v[t] for t, w in u.items() if t in v)


def similar_pairs(vectors: list[dict[str, float]], minimum: float,
                  max_share: float = 0.25) -> dict[tuple[int, int], float]:
    """(i, j) -> cosine for i < j whose cosine is at least `minimum`.

    Blocking: only pairs that share a term held by at most `max_share` of the documents
    (and at least 30) are candidates. Dot products are accumulated through an inverted
    index of those terms; the frequent terms' share is bounded (Cauchy-Schwarz on their
    part of each vector), and only a pair that could still reach `minimum` is scored
    exactly.
    """
    df: dict[str, int] = defaultdict(int)
    for vec in vectors:
        for t in vec:
            df[t] += 1
    cap = max(30, int(max_share * len(vectors)))
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    out: dict[tuple[int, int], float] = {}
    rest = [0.0] * len(vectors)  # norm of each vector's part on frequent (blocked) terms
    for i, vec in enumerate(vectors):
        acc: dict[int, float] = defaultdict(float)
        frequent = 0.0
        for t, w in vec.items():
            n = df[t]
            if n > cap:
                frequent += w * w
                continue
            if n < 2:
                continue
            plist = postings[t]
            for j, wj in plist:
                acc[j] += w * wj
            plist.append((i, w))
        rest[i] = bound_i = math.sqrt(frequent)
        for j, partial in acc.items():
            if partial + bound_i * rest[j] < minimum:
                continue
            score = cosine(vectors[j], vec) if bound_i and rest[j] else partial
            if score >= minimum:
                out[(j, i)] = score
    return dict(sorted(out.items()))


def shared_terms(u: Mapping[str, float], v: Mapping[str, float], top: int = 3) -> list[str]:
    """The shared terms that contribute most to the cosine, phrases first on a tie."""
    shared = sorted(((u[t] * v[t], t) for t in u if t in v), key=lambda x: (-x[0], x[1]))
    return [t for _, t in shared[:top]]
