"""Labelled overlap sets: the manifest, each state's real rows in a record, labels to ids.

Shared by the quality tests (tests/unit/overlap/test_quality_*.py) and the harness
(python -m tests.benchmarks.overlap_quality), so both measure the same way.
"""

from __future__ import annotations

import csv
import json
import logging
import shutil
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from nmrf_desktop.overlap.evaluate import Scores, pairs_of, score
from nmrf_desktop.overlap.settings import DEFAULT, Settings
from nmrf_desktop.services import overlap
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import Recommendation, RecommendationState, State

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[3]
OVERLAP_DATA = REPO / "tests" / "data" / "overlap"
MANIFEST = OVERLAP_DATA / "sets.toml"
UPR_INFO = REPO.parent / "shared" / "data" / "upr-info"
TUNING, HELD_OUT = "tuning", "held-out"

Keys = dict[tuple[int, str], list[tuple[str, str]]]


class LabelError(Exception):
    """A labelled member that picks no row, or more than one, of its state's rows."""


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """One state's labelled groups, as the manifest describes them."""

    slug: str
    state: str
    role: str
    files: tuple[str, ...]
    rows: int

    @property
    def path(self) -> Path:
        return MANIFEST.parent / f"{self.slug}_labelled_clusters.json"

    @property
    def present(self) -> bool:
        return self.path.is_file()

    @property
    def second_reading(self) -> Path:
        """Another reader's groups of the same rows, read apart under the same rules."""
        return MANIFEST.parent / f"{self.slug}_second_reading.json"

    def groups(self, path: Path | None = None) -> list[dict[str, Any]]:
        """The labelled groups (each {"ask", "members": [{session, state, text60}]}), of
        the set or of `path` (its second reading)."""
        path = path or self.path
        data = json.loads(path.read_text(encoding="utf-8"))
        groups = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(groups, list):
            raise LabelError(f"{path.name}: no list of groups")
        return groups


def manifest(path: Path | None = None) -> list[LabelledSet]:
    """Every set in the manifest, in its order; a role other than tuning/held-out refused."""
    path = path or MANIFEST
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for slug, entry in data.items():
        role = entry.get("role")
        if role not in (TUNING, HELD_OUT):
            raise ValueError(f"{path.name}: set {slug!r} has role {role!r}, "
                             f"expected {TUNING!r} or {HELD_OUT!r}")
        try:
            out.append(LabelledSet(slug, str(entry["state"]), role, tuple(entry["files"]),
                                   int(entry["rows"])))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{path.name}: set {slug!r} needs state, files and rows "
                             f"({e})") from None
    return out


def labelled_set(slug: str) -> LabelledSet:
    found = [s for s in manifest() if s.slug == slug]
    if not found:
        raise KeyError(f"no labelled set {slug!r} in {MANIFEST.name}")
    return found[0]


def _read_rows(path: Path, state: str) -> tuple[list[str], list[list[str]]]:
    """Header and the rows whose `To` is the state (session files are Mac Roman, CR ends)."""
    encoding = "utf-8" if "new_zealand" in path.name else "mac_roman"
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [r for r in reader if r and r[0] == state]


def state_csv(s: LabelledSet, dest: Path) -> Path:
    """The state's real rows, copied out of the UPR Info exports into one UTF-8 CSV."""
    header: list[str] = []
    rows: list[list[str]] = []
    for name in s.files:
        header, found = _read_rows(UPR_INFO / name, s.state)
        rows += found
    if len(rows) != s.rows:
        raise LabelError(f"{s.slug}: {len(rows)} rows with To = {s.state} in "
                         f"{', '.join(s.files)}, the manifest says {s.rows}")
    with dest.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return dest


def import_state(record: Record, s: LabelledSet, workdir: Path) -> Record:
    """Import the state's rows into the record the way a user would (nmrf import)."""
    import_files(record, "upr-info", [state_csv(s, workdir / f"{s.slug}.csv")])
    return record


def cached_db(s: LabelledSet, folder: Path) -> Path:
    """A migrated SQLite record holding only the state's rows, built once into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"overlap-quality-{s.slug}.sqlite3"
    if not path.exists():
        part = path.with_suffix(".part")
        for suffix in ("", "-wal", "-shm"):
            Path(str(part) + suffix).unlink(missing_ok=True)
        record = open_record(part)
        try:
            import_state(record, s, folder)
        finally:
            record.close()
        for suffix in ("-wal", "-shm"):
            Path(str(part) + suffix).unlink(missing_ok=True)
        part.rename(path)
        log.info("built %s (%d rows of %s)", path, s.rows, s.state)
    return path


@contextmanager
def scratch_record(s: LabelledSet, folder: Path, work: Path) -> Iterator[Record]:
    """A private copy of the cached record (so parallel runs never share a file)."""
    copy = work / f"{s.slug}.sqlite3"
    shutil.copyfile(cached_db(s, folder), copy)
    record = open_record(copy)
    try:
        yield record
    finally:
        record.close()


def ids_by_key(record: Record) -> Keys:
    """(session, recommending state) -> [(text, recommendation id)]."""
    r, rs, st = Recommendation, RecommendationState, State
    with record.reading() as session:
        rows = session.execute(select(r.id, r.upr_session, st.name, r.text)
                               .join(rs, rs.recommendation_id == r.id)
                               .join(st, st.id == rs.state_id)).all()
    out: Keys = {}
    for rid, sess, state, text in rows:
        out.setdefault((sess, state), []).append((text, rid))
    return out


def find(keys: Keys, member: dict[str, Any]) -> str:
    """The one row whose text starts with the label's 60 characters (whitespace squashed),
    or, where two rows share those, whose whole text is the label's `text`."""
    whole = " ".join(str(member["text"]).split()) if member.get("text") else ""
    start = " ".join(str(member["text60"]).split())
    found = [rid for text, rid in keys.get((member["session"], member["state"]), [])
             if (text == whole if whole else text.startswith(start))]
    if len(found) != 1:
        raise LabelError(f"{len(found)} rows match {member}")
    return found[0]


def truth(record: Record, s: LabelledSet, path: Path | None = None) -> list[list[str]]:
    """The set's groups (or its second reading's, `path`) as recommendation ids."""
    keys = ids_by_key(record)
    return [[find(keys, m) for m in g["members"]] for g in s.groups(path)]


def cluster_ids(record: Record) -> list[list[str]]:
    """The detector's clusters as sorted lists of recommendation ids."""
    refs = {c.id: c.references for c in overlap.clusters(record)}
    with record.reading() as session:
        by_ref: dict[str, str] = {ref: rid for ref, rid in session.execute(
            select(Recommendation.reference, Recommendation.id)).all()}
    return sorted(sorted(by_ref[x] for x in members) for members in refs.values())


def measure(record: Record, s: LabelledSet, settings: Settings = DEFAULT) -> Scores:
    """Run detection from nothing with the settings and score its pairs against the set."""
    overlap.update(record, rebuild=True, settings=settings)
    return score(cluster_ids(record), truth(record, s))


@dataclass(frozen=True, slots=True)
class Agreement:
    """Two readings of one state, and the detector against what both readers grouped."""

    readers: Scores  # the second reading scored against the first (F1 is symmetric)
    detector_first: Scores
    detector_second: Scores
    detector_agreed: Scores  # against the pairs both readers put together


def agreement(record: Record, s: LabelledSet, settings: Settings = DEFAULT) -> Agreement:
    """Detection from nothing, scored against both readings and the pairs they share."""
    overlap.update(record, rebuild=True, settings=settings)
    found = cluster_ids(record)
    first, second = truth(record, s), truth(record, s, s.second_reading)
    agreed = [list(p) for p in sorted(pairs_of(first) & pairs_of(second))]
    return Agreement(score(second, first), score(found, first), score(found, second),
                     score(found, agreed))


def line(s: LabelledSet, result: Scores) -> str:
    return (f"{s.slug} ({s.role}): P={result.precision:.3f} R={result.recall:.3f} "
            f"F1={result.f1:.3f} ({result.correct_pairs}/{result.predicted_pairs} predicted "
            f"pairs correct, {result.true_pairs} true)")


# ----------------------------------------------------------- across mechanisms: Slovenia

CROSSMECH_WORKBOOK = OVERLAP_DATA / "crossmech_slovenia.xlsx"
CROSSMECH_ROWS = OVERLAP_DATA / "crossmech_slovenia_rows.csv"
CROSSMECH_LABELS = OVERLAP_DATA / "crossmech_slovenia_labelled_clusters.json"
SLOVENIA = LabelledSet("crossmech_slovenia", "Slovenia", TUNING,
                       ("upr_info_sessions_6-9.csv", "upr_info_sessions_17-20.csv"), 286)


def import_slovenia(record: Record, workdir: Path) -> Record:
    """Slovenia's 286 UPR rows (sessions 7, 20) and the treaty-body workbook, as a user
    imports them: nmrf import upr-info, then nmrf import uhri."""
    import_state(record, SLOVENIA, workdir)
    import_files(record, "uhri", [CROSSMECH_WORKBOOK])
    return record


def treaty_ids(record: Record) -> dict[str, str]:
    """'CRC/C/SVN/CO/3-4 para 19' -> id, for every recommendation not from the UPR."""
    r = Recommendation
    with record.reading() as session:
        rows = session.execute(select(r.reference, r.id).where(r.upr_session.is_(None))).all()
    return {ref: rid for ref, rid in rows}


def crossmech_truth(record: Record) -> list[list[str]]:
    """The Slovenia groups as ids: treaty members by document and paragraph, UPR members
    by session, recommending state and first 60 characters."""
    keys = ids_by_key(record)
    treaty = treaty_ids(record)
    data = json.loads(CROSSMECH_LABELS.read_text(encoding="utf-8"))
    groups = []
    for g in data["groups"]:
        ids = []
        for m in g["members"]:
            if "document" in m:
                ref = f"{m['document']} para {m['paragraph']}"
                if ref not in treaty:
                    raise LabelError(f"no treaty-body row {ref}")
                ids.append(treaty[ref])
            else:
                ids.append(find(keys, m))
        groups.append(ids)
    return groups
