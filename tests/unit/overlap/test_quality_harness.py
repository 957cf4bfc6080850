"""The quality harness (tests.benchmarks.overlap_quality) and the labelled-set helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nmrf_desktop.overlap.evaluate import Scores
from tests.benchmarks import overlap_quality as q

from . import labelled
from .labelled import LabelError, LabelledSet, find, manifest, state_csv


def _scores(p: float, r: float) -> Scores:
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Scores(p, r, f, 10, 10, 5)


def test_the_manifest_names_every_set_and_its_role() -> None:
    roles = {s.slug: s.role for s in manifest()}
    assert roles == {"nz": "tuning", "uk": "tuning", "guatemala": "tuning",
                     "netherlands": "held-out", "ghana": "held-out", "japan": "held-out",
                     "poland": "held-out", "south_africa": "held-out"}


@pytest.mark.parametrize(("body", "message"), [
    ('[x]\nstate = "X"\nrole = "training"\nfiles = ["a.csv"]\nrows = 1\n', "role 'training'"),
    ('[x]\nstate = "X"\nrole = "tuning"\nrows = 1\n', "needs state, files and rows"),
    ('[x]\nstate = "X"\nrole = "tuning"\nfiles = ["a.csv"]\nrows = "many"\n', "needs state"),
])
def test_a_bad_manifest_is_refused(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "sets.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        manifest(path)


def test_a_state_whose_row_count_differs_is_refused(tmp_path: Path) -> None:
    wrong = LabelledSet("uk", "United Kingdom", "tuning",
                        ("upr_info_sessions_1-5.csv", "upr_info_sessions_10-13.csv"), 171)
    with pytest.raises(LabelError, match="172 rows with To = United Kingdom"):
        state_csv(wrong, tmp_path / "uk.csv")


def test_a_member_matching_no_row_or_two_is_named() -> None:
    keys = {(5, "France"): [("Ratify the CPED", "a"), ("Ratify the CPED and more", "b")]}
    with pytest.raises(LabelError, match="2 rows match"):
        find(keys, {"session": 5, "state": "France", "text60": "Ratify   the CPED"})
    with pytest.raises(LabelError, match="0 rows match"):
        find(keys, {"session": 18, "state": "France", "text60": "Ratify"})
    assert find(keys, {"session": 5, "state": "France", "text60": "Ratify the CPED and"}) == "b"


@pytest.mark.parametrize(("text", "message"), [
    ("bogus=1", "unknown setting 'bogus'"),
    ("threshold=high", "'high' is not a float"),
    ("threshold", "not name=value"),
    ("threshold=", "not name=value"),
])
def test_bad_settings_are_refused(text: str, message: str) -> None:
    with pytest.raises(q.UsageError, match=message):
        q.parse_settings(text)


def test_settings_and_grid_parse() -> None:
    assert q.parse_settings("threshold=0.38, cohesion=0.6") == {"threshold": 0.38,
                                                                "cohesion": 0.6}
    grid = q.parse_grid(["threshold=0.35,0.40", "cohesion=0.5,0.6,0.7"])
    assert len(grid) == 6
    assert grid[0] == (("threshold", 0.35), ("cohesion", 0.5))
    with pytest.raises(q.UsageError, match="given twice"):
        q.parse_grid(["threshold=0.3", "threshold=0.4"])
    with pytest.raises(q.UsageError, match="not name=value1"):
        q.parse_grid(["threshold="])


def test_leave_one_out_chooses_on_the_others_and_breaks_ties_by_precision() -> None:
    a: q.Point = (("threshold", 0.3),)
    b: q.Point = (("threshold", 0.4),)
    results: dict[q.Point, dict[str, Scores]] = {
        a: {"nz": _scores(0.9, 0.9), "uk": _scores(0.5, 0.5), "gt": _scores(0.8, 0.6)},
        b: {"nz": _scores(0.6, 0.6), "uk": _scores(0.9, 0.8), "gt": _scores(0.6, 0.8)},
    }
    folds = {f["left_out"]: f for f in q.leave_one_out(results, ["nz", "uk", "gt"])}
    # Left out nz: on uk+gt, b is better (F1 0.847+0.686 vs 0.5+0.686); scored on nz: 0.6.
    assert folds["nz"]["chosen"] == {"threshold": 0.4}
    assert folds["nz"]["f1"] == pytest.approx(0.6)
    assert folds["uk"]["chosen"] == {"threshold": 0.3}
    # gt's two points have the same F1 (0.686): the higher precision wins.
    tie: dict[q.Point, dict[str, Scores]] = {a: {"gt": _scores(0.8, 0.6)},
                                             b: {"gt": _scores(0.6, 0.8)}}
    assert q.best_point(tie, ["gt"]) == a


def test_grid_with_held_out_is_refused_before_anything_runs(tmp_path: Path) -> None:
    assert q.main(["--grid", "threshold=0.4", "--held-out", "--out", str(tmp_path)]) == 2
    assert list(tmp_path.iterdir()) == []


def test_unknown_set_is_refused(tmp_path: Path) -> None:
    assert q.main(["--only", "atlantis", "--out", str(tmp_path)]) == 2


def test_missing_labelled_files_are_skipped_and_named(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "overlap"
    data.mkdir()
    shutil.copy(labelled.MANIFEST, data / "sets.toml")
    monkeypatch.setattr(labelled, "MANIFEST", data / "sets.toml")
    assert q.main(["--out", str(tmp_path / "out")]) == 2  # nothing left to score
    assert "nz_labelled_clusters.json has not landed yet" in caplog.text


def test_a_run_scores_the_set_writes_json_and_caches_its_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    report = tmp_path / "q.json"
    assert q.main(["--only", "nz", "--out", str(out), "--json", str(report)]) == 0
    table = capsys.readouterr().out
    assert "tuning sets" in table and "held-out" not in table
    data = json.loads(report.read_text(encoding="utf-8"))
    [row] = data["sets"]
    assert row["set"] == "nz" and row["true_pairs"] == 332
    assert f"{row['precision']:.3f}" in table
    assert (out / "overlap-quality-nz.sqlite3").exists()
    before = (out / "overlap-quality-nz.sqlite3").stat().st_mtime_ns
    assert q.main(["--only", "nz", "--out", str(out)]) == 0  # reuses the cached record
    assert (out / "overlap-quality-nz.sqlite3").stat().st_mtime_ns == before
    assert "nz" in capsys.readouterr().out


def test_a_grid_prints_each_fold_and_the_choice(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert q.main(["--only", "nz", "--only", "uk", "--grid", "threshold=0.40,0.45",
                   "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "fold: left out nz" in text and "fold: left out uk" in text
    assert "final choice on all tuning sets: threshold=" in text


def test_agreement_with_a_grid_is_refused(tmp_path: Path) -> None:
    assert q.main(["--agreement", "--grid", "threshold=0.4", "--out", str(tmp_path)]) == 2
    assert list(tmp_path.iterdir()) == []


def test_agreement_prints_both_readings_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "a.json"
    assert q.main(["--agreement", "--only", "poland", "--out", str(tmp_path / "out"),
                   "--json", str(report)]) == 0
    table = capsys.readouterr().out
    [row] = json.loads(report.read_text(encoding="utf-8"))["agreement"]
    assert row["set"] == "poland" and row["role"] == "held-out"
    readers = row["readers"]
    assert (readers["true_pairs"], readers["predicted_pairs"], readers["correct_pairs"]) == (
        262, 269, 258)
    assert row["detector_agreed"]["true_pairs"] == 258
    assert "poland" in table and f"{readers['f1']:.3f}" in table
    assert f"{row['detector_agreed']['recall']:.3f}" in table


def test_agreement_without_a_second_reading_is_refused(tmp_path: Path) -> None:
    assert q.main(["--agreement", "--only", "uk", "--out", str(tmp_path)]) == 2
