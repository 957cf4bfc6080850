"""Word vectors trained on the UPR corpus: similar meaning beyond shared words, explained.

The vectors and the generic-term weights ship in `resources/overlap/` (trained by
`packaging/train_overlap_vectors.py`; see the README there). An ask's meaning is the
weighted mean of its words' vectors; the cosine of two such means is exactly a sum over
word pairs, so the pairs that carried a score can be named ("'plan' ~ 'strategy'").
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VERSION = "upr-vectors-v1"
FILE = f"{VERSION}.npz"
SHA256 = "7771451577d48a4dcef549857a43d4d2b828c8e573909550f5b963886dd903b5"


class VectorsError(Exception):
    """The vector file is missing, damaged, or not the version this code reads."""


@dataclass(frozen=True, slots=True)
class Vectors:
    version: str
    sha256: str
    index: dict[str, int]
    matrix: np.ndarray  # (words, dim) float32, unit rows
    generic: dict[str, float]  # term -> how generic it is, 0..1 (absent: 0)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])


@functools.lru_cache(maxsize=4)
def load(path: Path) -> Vectors:
    """Read and check a vector file (cached per path)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise VectorsError(f"overlap vectors {path} cannot be read: {exc.strerror}") from exc
    digest = hashlib.sha256(data).hexdigest()
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            vocab = [str(w) for w in z["vocab"]]
            matrix = np.asarray(z["vectors"], dtype=np.float32)
            generic = dict(zip((str(t) for t in z["generic_terms"]),
                               (float(g) for g in z["generic"]), strict=True))
    except (OSError, ValueError, KeyError) as exc:
        raise VectorsError(f"overlap vectors {path} are damaged: {exc}") from exc
    if meta.get("version") != VERSION or matrix.shape != (len(vocab), meta.get("dim")):
        raise VectorsError(f"overlap vectors {path} are {meta.get('version')!r} "
                           f"{matrix.shape}, expected {VERSION!r}")
    return Vectors(VERSION, digest, {w: i for i, w in enumerate(vocab)}, matrix, generic)


def weights(counts: Mapping[str, float], idf: Callable[[str], float], vectors: Vectors,
            damping: float) -> dict[str, float]:
    """The words of an ask that have a vector, weighted: sublinear tf x idf x (1 - generic)."""
    out = {}
    index, generic = vectors.index, vectors.generic
    for t, c in counts.items():
        if t not in index:  # stem pairs ("a b") never are
            continue
        w = (1.0 + math.log(c)) * idf(t) * (1.0 - damping * generic.get(t, 0.0))
        if w > 0:
            out[t] = w
    return out


def embed(word_weights: Mapping[str, float], vectors: Vectors) -> np.ndarray:
    """The unit mean vector of the weighted words (zeros when there are none)."""
    if not word_weights:
        return np.zeros(vectors.dim, dtype=np.float32)
    rows = [vectors.index[t] for t in word_weights]
    w = np.fromiter(word_weights.values(), dtype=np.float32, count=len(rows))
    v: np.ndarray = w @ vectors.matrix[rows]
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def embed_all(word_weights: Sequence[Mapping[str, float]], vectors: Vectors) -> np.ndarray:
    """`embed` of each, as the rows of one matrix (one product for all of them)."""
    rows = [vectors.index[t] for ww in word_weights for t in ww]
    owner = np.repeat(np.arange(len(word_weights)), [len(ww) for ww in word_weights])
    w = np.fromiter((x for ww in word_weights for x in ww.values()), dtype=np.float32,
                    count=len(rows))
    sums = np.zeros((len(word_weights), vectors.dim), dtype=np.float32)
    np.add.at(sums, owner, vectors.matrix[rows] * w[:, None])
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    out: np.ndarray = sums / np.where(norms > 0, norms, 1.0)
    return out


def carried_by(a: Mapping[str, float], b: Mapping[str, float], vectors: Vectors,
               top: int = 3, close: float = 0.35) -> list[tuple[str, str]]:
    """The pairs of different words (one from each ask) that added most to the cosine.

    The cosine of two weighted means is sum_ij a_i b_j (e_i . e_j) / (|A| |B|): each
    term of that sum is one word pair's share. Only pairs at least `close` alike count.
    """
    if not a or not b:
        return []
    ta, tb = sorted(a), sorted(b)
    ea = vectors.matrix[[vectors.index[t] for t in ta]]
    eb = vectors.matrix[[vectors.index[t] for t in tb]]
    sim = ea @ eb.T
    share = sim * np.outer([a[t] for t in ta], [b[t] for t in tb])
    found: list[tuple[float, str, str]] = []
    for i, j in zip(*np.nonzero(sim >= close), strict=True):
        x, y = ta[int(i)], tb[int(j)]
        if x != y and x not in b and y not in a:
            found.append((-float(share[i, j]), x, y))
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for _s, x, y in sorted(found):
        if x in used or y in used:
            continue
        used.update((x, y))
        out.append((x, y))
        if len(out) == top:
            break
    return out
