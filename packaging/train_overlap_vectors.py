"""Train the overlap detector's word vectors and generic-term weights from the UPR corpus.

    .venv/bin/python packaging/train_overlap_vectors.py [--data DIR] [--out FILE]

Reads the five UPR Info session exports (41,066 recommendations) with the product's own
importer, turns each text into the detector's own terms (`overlap.text.content_words`:
folded, hedges stripped, thesaurus concepts joined, stop words dropped, stems), and writes
`resources/overlap/upr-vectors-v1.npz`:

- `vocab`: the stems seen at least `--min-count` times (most frequent first, then by name);
- `vectors`: one unit vector per stem (float16), from positive pointwise mutual
  information over a symmetric window of `--window` terms (context counts smoothed by
  0.75), factorised by a randomised truncated SVD (seeded) to `--dim` dimensions,
  U·sqrt(S), with the corpus mean and the first principal direction removed (they are
  shared by every word and would make every pair look alike);
- `generic_terms` / `generic`: how generic each frequent stem or stem pair is, in [0, 1]:
  1 - (KL divergence of its context distribution from the corpus background, scaled
  between the 5th and 50th percentile of frequent terms). A term met with every kind of
  ask ("obligations", "women and children") has a context close to the background; a
  term that names an ask ("torture", "pay gap") has a sharp one.

Deterministic: sorted inputs, integer counts, a fixed seed, signs fixed per dimension.
No network, no GPU. Takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import logging
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nmrf_desktop.importers import upr_info  # noqa: E402
from nmrf_desktop.overlap.text import content_words, upr_form  # noqa: E402

log = logging.getLogger("train_overlap_vectors")

VERSION = "upr-vectors-v1"
SEED = 17


def corpus(data: Path) -> list[str]:
    """The recommendation texts of the session exports, sorted (duplicates kept)."""
    files = sorted(data.glob("upr_info_sessions_*.csv"))
    if not files:
        raise SystemExit(f"no upr_info_sessions_*.csv in {data}")
    texts = [r.text for f in files for r in upr_info.parse(f).records]
    log.info("%d texts from %d files", len(texts), len(files))
    return sorted(texts)


def cooccurrence(docs: list[list[int]], size: int, window: int) -> np.ndarray:
    """Symmetric window counts (1/distance weighted) between vocabulary ids."""
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for ids in docs:
        arr = np.asarray(ids, dtype=np.int64)
        for d in range(1, window + 1):
            if len(arr) <= d:
                break
            a, b = arr[:-d], arr[d:]
            keep = (a >= 0) & (b >= 0)
            rows += [a[keep], b[keep]]
            cols += [b[keep], a[keep]]
            weights += [np.full(int(keep.sum()) * 2, 1.0 / d)]
    counts = np.zeros((size, size), dtype=np.float32)
    np.add.at(counts, (np.concatenate(rows), np.concatenate(cols)),
              np.concatenate(weights).astype(np.float32))
    return counts


def ppmi(counts: np.ndarray, alpha: float = 0.75) -> np.ndarray:
    """Positive PMI, in place (float32): log(p(w, c) / (p(w) p_alpha(c))), floored at 0."""
    total = float(counts.sum(dtype=np.float64))
    row = counts.sum(axis=1, dtype=np.float64) / total
    ctx = counts.sum(axis=0, dtype=np.float64) ** alpha
    ctx = ctx / ctx.sum()
    counts /= np.float32(total)
    counts /= row[:, None].astype(np.float32).clip(1e-30)
    counts /= ctx[None, :].astype(np.float32).clip(1e-30)
    np.log(counts, out=counts, where=counts > 0)
    np.maximum(counts, 0.0, out=counts)
    return counts


def truncated_svd(m: np.ndarray, k: int, seed: int = SEED, power: int = 4
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Randomised SVD (Halko et al.): the top k left singular vectors and values."""
    rng = np.random.default_rng(seed)
    q = np.linalg.qr(m @ rng.standard_normal((m.shape[1], k + 20)).astype(np.float32))[0]
    for _ in range(power):
        q = np.linalg.qr(m @ (m.T @ q))[0]
    u_small, s, _vt = np.linalg.svd(q.T @ m, full_matrices=False)
    u = (q @ u_small)[:, :k]
    # Fix each dimension's sign: its largest component positive.
    signs = np.sign(u[np.argmax(np.abs(u), axis=0), np.arange(k)])
    return u * signs, s[:k]


def embed(m: np.ndarray, dim: int) -> np.ndarray:
    u, s = truncated_svd(m, dim + 1)
    vec = u * np.sqrt(s)
    vec = vec - vec.mean(axis=0)
    top = truncated_svd(vec.astype(np.float32), 1)[0][:, 0]
    vec = vec - np.outer(top, top @ vec)  # top is unit: remove that common direction
    vec = vec[:, :dim] if vec.shape[1] > dim else vec
    norms = np.linalg.norm(vec, axis=1, keepdims=True)
    return vec / np.where(norms > 0, norms, 1.0)


def generic_scores(docs: list[list[str]], vocab_ids: dict[str, int], min_count: int,
                   window: int) -> dict[str, float]:
    """Term (stem or 'stem stem') -> how generic it is, for terms met `min_count` times."""
    size = len(vocab_ids)
    ctx_of: dict[str, Counter[int]] = {}
    freq: Counter[str] = Counter()
    for words in docs:
        terms = list(words) + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        freq.update(terms)
    wanted = {t for t, n in freq.items() if n >= min_count}
    background = np.zeros(size)
    for words in docs:
        ids = [vocab_ids.get(w, -1) for w in words]
        for i, w in enumerate(words):
            lo, hi = max(0, i - window), min(len(words), i + window + 1)
            near = [ids[j] for j in range(lo, hi) if j != i and ids[j] >= 0]
            background[near] += 1
            if w in wanted:
                ctx_of.setdefault(w, Counter()).update(near)
            if i + 1 < len(words):
                bigram = f"{w} {words[i + 1]}"
                if bigram in wanted:
                    near2 = [ids[j] for j in range(lo, min(len(words), i + window + 2))
                             if j not in (i, i + 1) and ids[j] >= 0]
                    ctx_of.setdefault(bigram, Counter()).update(near2)
    p_bg = background / background.sum()
    terms = sorted(ctx_of)
    kl = np.zeros(len(terms))
    for n, term in enumerate(terms):
        ctx = ctx_of[term]
        ids = np.fromiter(ctx.keys(), dtype=np.int64)
        p = np.fromiter(ctx.values(), dtype=np.float64)
        p = p / p.sum()
        kl[n] = float(np.sum(p * np.log(p / p_bg[ids])))
    # Frequent terms have broader contexts whatever they mean: compare each term with
    # what is expected at its frequency (least squares on log frequency), in standard
    # deviations; two or more below is fully generic.
    logf = np.log([freq[t] for t in terms])
    slope, intercept = np.polyfit(logf, kl, 1)
    resid = kl - (slope * logf + intercept)
    z = -resid / resid.std()
    return {t: float(np.clip(z[n] / 2.0, 0.0, 1.0)) for n, t in enumerate(terms)}


def train(data: Path, dim: int, window: int, min_count: int, max_vocab: int,
          generic_min: int) -> dict[str, np.ndarray]:
    docs = [content_words(upr_form(t)) for t in corpus(data)]
    freq = Counter(w for words in docs for w in words)
    vocab = [w for w, n in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
             if n >= min_count][:max_vocab]
    ids = {w: i for i, w in enumerate(vocab)}
    log.info("vocabulary: %d stems (of %d)", len(vocab), len(freq))
    counts = cooccurrence([[ids.get(w, -1) for w in words] for words in docs], len(vocab),
                          window)
    vectors = embed(ppmi(counts), dim)
    del counts
    generic = generic_scores(docs, ids, generic_min, window)
    terms = sorted(generic)
    log.info("generic weights for %d frequent terms", len(terms))
    meta = {"version": VERSION, "texts": len(docs), "dim": dim, "window": window,
            "min_count": min_count, "max_vocab": max_vocab, "generic_min": generic_min,
            "seed": SEED}
    return {"vocab": np.array(vocab), "vectors": vectors.astype(np.float16),
            "generic_terms": np.array(terms),
            "generic": np.array([generic[t] for t in terms], dtype=np.float16),
            "meta": np.array(json.dumps(meta, sort_keys=True))}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An .npz numpy reads, written byte for byte the same every time (fixed zip dates)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "upr-info")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "resources" / "overlap" / f"{VERSION}.npz")
    parser.add_argument("--dim", type=int, default=96)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--max-vocab", type=int, default=6000)
    parser.add_argument("--generic-min", type=int, default=40)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    arrays = train(args.data, args.dim, args.window, args.min_count, args.max_vocab,
                   args.generic_min)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".part")
    write_npz(tmp, arrays)
    tmp.replace(args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    log.info("wrote %s: %d bytes, sha256 %s", args.out, args.out.stat().st_size, digest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
