"""How alike two asks are: TF-IDF wording and corpus-vector meaning, combined and explained."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from nmrf_desktop.overlap.meaning import Vectors, carried_by, embed_all, weights
from nmrf_desktop.overlap.settings import Settings
from nmrf_desktop.overlap.similarity import TermStats, cosine, shared_terms, similar_pairs
from nmrf_desktop.overlap.text import display_terms

_CHUNK = 512  # rows of the meaning matrix computed at once
_log = math.log


class Cache:
    """Per-term idf, damping and their product: shared by the groups of one run (the same
    statistics, vectors and settings), so each term is worked out once."""

    def __init__(self) -> None:
        self.idf: dict[str, float] = {}
        self.damp: dict[str, float] = {}
        self.weight: dict[str, float] = {}


class Scorer:
    """Scores between the asks (nodes) of one group.

    score = (1 - b) * wording + b * max(0, (meaning - base) / (1 - base)), with
    wording the TF-IDF cosine (generic terms damped), meaning the cosine of the mean
    word vectors, b = settings.meaning and base = settings.baseline. Without vectors
    (or b = 0) the score is the wording cosine alone.
    """

    def __init__(self, stats: TermStats, vectors: Vectors | None, settings: Settings,
                 cache: Cache | None = None) -> None:
        self.stats = stats
        self.vectors = vectors
        self.settings = settings
        self.share = settings.meaning if vectors is not None else 0.0
        cache = cache if cache is not None else Cache()
        self._idf, self._damp, self._weight = cache.idf, cache.damp, cache.weight
        self.vecs: list[dict[str, float]] = []
        self.words: list[dict[str, float]] = []
        self.embedded = np.zeros((0, 1), dtype=np.float32)

    def idf(self, term: str) -> float:
        found = self._idf.get(term)
        if found is None:
            found = self._idf[term] = self.stats.idf(term)
        return found

    def weight(self, term: str) -> float:
        """idf x damping, cached per term."""
        found = self._weight.get(term)
        if found is None:
            found = self._weight[term] = self.idf(term) * self.damp(term)
        return found

    def damp(self, term: str) -> float:
        """1 for a term that names an ask, down to 1 - settings.generic for boilerplate."""
        if self.vectors is None or not self.settings.generic:
            return 1.0
        found = self._damp.get(term)
        if found is None:
            found = self._damp[term] = 1.0 - self.settings.generic * self.vectors.generic.get(
                term, 0.0)
        return found

    def tfidf(self, counts: Mapping[str, float]) -> dict[str, float]:
        """Sublinear tf x idf x damping, L2-normalised."""
        weight = self._weight.get
        vec = {t: (1.0 + _log(c)) * (weight(t) or self.weight(t)) for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        return {t: w / norm for t, w in vec.items() if w > 0}

    def index(self, node_counts: list[dict[str, float]]) -> None:
        self.vecs = [self.tfidf(c) for c in node_counts]
        if self.share and self.vectors is not None:
            v = self.vectors
            self.words = [weights(c, self.idf, v, self.settings.generic) for c in node_counts]
            self.embedded = embed_all(self.words, v)

    def _lift(self, m: np.ndarray | float) -> np.ndarray | float:
        base = self.settings.baseline
        return np.maximum(0.0, (m - base) / (1.0 - base))

    def combine(self, wording: float, meaning: float) -> float:
        if not self.share:
            return wording
        return (1.0 - self.share) * wording + self.share * float(self._lift(meaning))

    def meaning(self, i: int, j: int) -> float:
        return float(self.embedded[i] @ self.embedded[j]) if self.share else 0.0

    def pairs(self) -> dict[tuple[int, int], float]:
        """(i, j) -> score for i < j at or above the threshold."""
        s = self.settings
        b = self.share
        if not b:
            return similar_pairs(self.vecs, s.threshold, s.max_share)
        if b < s.threshold:
            # Meaning adds at most b: a pair needs (threshold - b) / (1 - b) of wording,
            # so the candidates are the pairs with that much wording (sparse, fast).
            found = similar_pairs(self.vecs, (s.threshold - b) / (1.0 - b), s.max_share)
            return self._scored(list(found), np.fromiter(found.values(), dtype=np.float32,
                                                         count=len(found)))
        return self._dense()

    def _scored(self, keys: list[tuple[int, int]], wording: np.ndarray
                ) -> dict[tuple[int, int], float]:
        if not keys:
            return {}
        e = self.embedded
        idx = np.asarray(keys, dtype=np.int64)
        m = np.einsum("ij,ij->i", e[idx[:, 0]], e[idx[:, 1]])
        score = (1.0 - self.share) * wording + self.share * self._lift(m)
        keep = np.nonzero(score >= self.settings.threshold)[0]
        return {keys[k]: float(score[k]) for k in keep.tolist()}

    def _dense(self) -> dict[tuple[int, int], float]:
        """Every pair whose meaning is above the baseline, or whose wording alone is enough."""
        s = self.settings
        out = self._scored(*_split(similar_pairs(self.vecs, s.threshold / (1.0 - self.share),
                                                 s.max_share)))
        e = self.embedded
        for start in range(0, len(e), _CHUNK):
            block = e[start:start + _CHUNK] @ e.T
            rows, cols = np.nonzero(block > s.baseline)
            for r, j in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if j <= i or (i, j) in out:
                    continue
                score = self.combine(cosine(self.vecs[i], self.vecs[j]), float(block[r, j]))
                if score >= s.threshold:
                    out[(i, j)] = score
        return dict(sorted(out.items()))

    def close(self, xs: list[int], ys: list[int]) -> int:
        """How many cross pairs score at least settings.link_floor."""
        floor = self.settings.link_floor
        if self.share:
            m = self.embedded[xs] @ self.embedded[ys].T
            return sum(self.combine(cosine(self.vecs[x], self.vecs[y]), float(m[a, b])) >= floor
                       for a, x in enumerate(xs) for b, y in enumerate(ys))
        return sum(cosine(self.vecs[x], self.vecs[y]) >= floor for x in xs for y in ys)

    def explain(self, i: int, j: int, text_a: str, text_b: str) -> str:
        """Why asks i and j match: the shared words, and the word pairs that carried meaning."""
        wording = cosine(self.vecs[i], self.vecs[j])
        shared = [f"'{t}'" for t in display_terms(shared_terms(self.vecs[i], self.vecs[j]),
                                                  text_a)]
        if not self.share or wording >= self.settings.threshold:
            return f"similar wording ({self.combine(wording, self.meaning(i, j)):.2f}): " + \
                ", ".join(shared)
        assert self.vectors is not None
        carried = [f"'{display_terms([x], text_a)[0]}' ~ '{display_terms([y], text_b)[0]}'"
                   for x, y in carried_by(self.words[i], self.words[j], self.vectors)]
        parts = [", ".join(carried)] if carried else []
        if shared:
            parts.append("shared " + ", ".join(shared))
        return (f"similar meaning ({self.meaning(i, j):.2f}, wording {wording:.2f}): "
                + "; ".join(parts))


def _split(found: dict[tuple[int, int], float]) -> tuple[list[tuple[int, int]], np.ndarray]:
    return list(found), np.fromiter(found.values(), dtype=np.float32, count=len(found))
