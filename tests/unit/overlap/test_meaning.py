"""Corpus word vectors: the shipped file, meaning explained by word pairs, generic terms."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import shutil
from pathlib import Path

import numpy as np
import pytest

from nmrf_desktop.overlap import meaning
from nmrf_desktop.overlap.detector import DEFAULT, Prepared, detect_group
from nmrf_desktop.overlap.instruments import asks
from nmrf_desktop.overlap.model import Doc
from nmrf_desktop.overlap.similarity import TermStats
from nmrf_desktop.overlap.text import features
from nmrf_desktop.services import overlap

from ...conftest import SHARED_DATA

REPO = Path(__file__).resolve().parents[3]


def _vectors() -> meaning.Vectors:
    return meaning.load(overlap.vectors_path())


def _detect(texts: list[str], **settings: float):  # type: ignore[no-untyped-def]
    docs = [Prepared(Doc(f"r{i:02d}", "X", t), features(t), asks(t)) for i, t in enumerate(texts)]
    stats = TermStats()
    for d in docs:
        stats.add(d.counts)
    return detect_group(docs, stats, [], dataclasses.replace(DEFAULT, **settings), _vectors())


def test_the_shipped_vectors_load_and_are_the_named_version() -> None:
    path = overlap.vectors_path()
    assert path.name == "upr-vectors-v1.npz"
    found = _vectors()
    assert found.version == meaning.VERSION
    assert found.sha256 == meaning.SHA256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.stat().st_size < 5_000_000
    norms = np.linalg.norm(found.matrix, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-2)
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert meaning.SHA256 in readme and str(path.stat().st_size) in readme.replace(",", "")


def test_related_words_are_near_and_unrelated_far() -> None:
    v = _vectors()

    def cos(x: str, y: str) -> float:
        return float(v.matrix[v.index[x]] @ v.matrix[v.index[y]])

    assert cos("plan", "strategy") > 0.5
    assert cos("torture", "ill-treatment") > 0.5
    assert cos("plan", "torture") < 0.3
    # Boilerplate ("inter alia", "in this regard") is generic; the words of an ask are not.
    assert v.generic["alia"] > 0.8 and v.generic["regard"] > 0.5
    assert v.generic.get("torture", 0.0) < 0.2


def test_a_damaged_or_missing_vector_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(meaning.VectorsError, match="cannot be read"):
        meaning.load(tmp_path / "absent.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(meaning.VectorsError, match="damaged"):
        meaning.load(bad)
    other = tmp_path / "other.npz"
    np.savez(other, meta=np.array('{"version": "upr-vectors-v0", "dim": 2}'),
             vocab=np.array(["a"]), vectors=np.zeros((1, 2)), generic_terms=np.array(["a"]),
             generic=np.zeros(1))
    with pytest.raises(meaning.VectorsError, match="expected 'upr-vectors-v1'"):
        meaning.load(other)


def test_a_paraphrase_matches_by_meaning_and_names_the_word_pairs() -> None:
    texts = ["Adopt a national strategy to eradicate extreme poverty",
             "Develop a plan for the alleviation of poverty in rural areas",
             "Adopt a national action plan against domestic violence",
             "Develop a strategy to combat violence in the family",
             "Abolish the death penalty"]
    plain = _detect(texts, meaning=0.0, threshold=0.3)
    assert not any({"r00", "r01"} <= set(c.members) for c in plain.clusters)
    found = _detect(texts, meaning=0.6, baseline=0.5, threshold=0.3)
    assert [c.members for c in found.clusters] == [["r00", "r01"], ["r02", "r03"]]
    reasons = {(m.a, m.b): m.reason for m in found.matches}
    assert reasons[("r00", "r01")].startswith("similar meaning (0.")
    assert "'extreme' ~ 'alleviation'" in reasons[("r00", "r01")]
    assert "shared 'poverty'" in reasons[("r00", "r01")]
    assert "'action-plan' ~ 'strategy'" in reasons[("r02", "r03")]


def test_carried_by_names_pairs_of_different_words() -> None:
    v = _vectors()
    pairs = meaning.carried_by({"plan": 1.0, "poverty": 1.0}, {"strategy": 1.0, "poverty": 1.0}, v)
    assert pairs == [("plan", "strategy")]
    assert meaning.carried_by({}, {"plan": 1.0}, v) == []


def test_generic_phrases_do_not_chain_unrelated_asks() -> None:
    boilerplate = ", inter alia in accordance with its international obligations in this regard"
    texts = ["Abolish corporal punishment in all settings" + boilerplate,
             "Improve conditions in prisons" + boilerplate,
             "Guarantee freedom of the press" + boilerplate]
    others = [f"Provide free primary education in district number {k}" for k in range(20)]
    undamped = _detect(texts + others, generic=0.0)
    assert ["r00", "r01", "r02"] in [c.members for c in undamped.clusters]  # the problem
    assert "'alia'" in next(m.reason for m in undamped.matches if m.a == "r00")
    damped = _detect(texts + others)  # the shipped settings damp generic terms
    assert DEFAULT.generic > 0
    assert not any({"r00", "r01", "r02"} & set(c.members) for c in damped.clusters)
    assert not [m for m in damped.matches if m.a in ("r00", "r01", "r02")]


def test_detection_is_deterministic_whatever_the_order() -> None:
    texts = ["Adopt a national strategy to eradicate extreme poverty",
             "Develop a plan for the alleviation of poverty in rural areas",
             "Reduce child poverty", "Eliminate child poverty and hunger",
             "Ratify the ICED", "Complete the ratification process for the ICED"]
    first = _detect(texts, meaning=0.5)
    again = _detect(list(texts), meaning=0.5)
    assert first.matches == again.matches
    assert [(c.id, c.reasons) for c in first.clusters] == [(c.id, c.reasons)
                                                          for c in again.clusters]


def _trainer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "train_overlap_vectors", REPO / "packaging" / "train_overlap_vectors.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_is_reproducible_byte_for_byte(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copyfile(SHARED_DATA / "upr_info_sessions_1-5.csv",
                    data / "upr_info_sessions_1-5.csv")
    trainer = _trainer()
    args = ["--data", str(data), "--dim", "16", "--min-count", "20", "--generic-min", "60"]
    trainer.main([*args, "--out", str(tmp_path / "a.npz")])
    trainer.main([*args, "--out", str(tmp_path / "b.npz")])
    first, second = (tmp_path / "a.npz").read_bytes(), (tmp_path / "b.npz").read_bytes()
    assert first == second
    with np.load(tmp_path / "a.npz", allow_pickle=False) as z:
        assert z["vectors"].shape[1] == 16 and len(z["vocab"]) == z["vectors"].shape[0]


def test_training_without_data_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no upr_info_sessions"):
        _trainer().main(["--data", str(tmp_path), "--out", str(tmp_path / "x.npz")])


def test_detection_without_the_vector_file_goes_by_wording(
        nz_record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(overlap, "vectors_path", lambda: tmp_path / "gone.npz")
    assert overlap.vectors() is None
    report = overlap.update(nz_record)
    assert report.indexed == 228 and overlap.state(nz_record).clusters > 0
    assert "matching by wording alone" in caplog.text
