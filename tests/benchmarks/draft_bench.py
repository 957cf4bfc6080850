"""Word drafts: the UPR mid-term report for New Zealand's 228 recommendations, and a periodic
section for 500 treaty-body recommendations, against python-docx alone.

    .venv/bin/python -m tests.benchmarks.draft_bench [--runs N]

- draft.midterm228: services.drafting.draft (kind upr-mid-term, by theme) over the 228 real
  New Zealand UPR recommendations, lead agencies assigned, 100 actions (each answering two),
  a progress update on 150 of them: one read transaction, the layout, the .docx written.
  draft.midterm228.build is the read and layout alone (build_draft).
- draft.periodic500: the same for a periodic section (kind periodic, by theme) on 500
  concluding-observations paragraphs of CRC (real UPR Info texts as their words), 250
  actions, an update on 400.
- Floor: python-docx alone writing the same paragraphs and tables (the built draft's
  blocks: a heading, a paragraph with its runs, a table with its cells) and saving, with
  no footnotes, numbering, styles of its own, properties or atomic write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import sys
import tempfile
from pathlib import Path

import docx
from sqlalchemy import select

from nmrf_desktop.domain.entry import ActionDraft, ProgressDraft
from nmrf_desktop.domain.enums import ActionStatus, ImplementationStatus
from nmrf_desktop.importers import upr_info
from nmrf_desktop.importers.documents.model import (
    DocumentInfo,
    DocumentKind,
    DocumentPreview,
    DocumentRecommendation,
)
from nmrf_desktop.reports.draft_model import Draft, Gap, Heading, Paragraph, Table
from nmrf_desktop.services import entry
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.drafting import DraftRequest, build_draft, draft
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.store.models import Recommendation

from .common import REPO, UPR_INFO_FILES, Figure, median, timed

log = logging.getLogger(__name__)
NZ_CSV = REPO.parent / "shared" / "data" / "upr-info" / "upr_info_new_zealand_2009_2014.csv"
N_PERIODIC = 500
THEMES = ("Education", "Health", "Justice", "Māori rights", "Disability", "Poverty",
          "Violence against children", "Participation", "Migrant children", "Climate")


def _ids(record: Record, body: str) -> list[str]:
    with record.reading() as session:
        return list(session.execute(
            select(Recommendation.id).where(Recommendation.body == body)
            .order_by(Recommendation.reference)).scalars())


def _work(record: Record, ids: list[str], agency: str, actions: int, updates: int) -> None:
    """`actions` actions answering two recommendations each, an update on the first
    `updates` recommendations (dated, with macrons)."""
    for i in range(actions):
        pair = (ids[(2 * i) % len(ids)], ids[(2 * i + 1) % len(ids)])
        entry.create_action(record, ActionDraft(
            title=f"Whānau-centred programme {i}", agency=agency,
            status=ActionStatus.COMPLETED if i % 3 == 0 else ActionStatus.IN_PROGRESS,
            start_date=dt.date(2023, 1 + i % 12, 1),
            completed_date=dt.date(2025, 1, 1) if i % 3 == 0 else None,
            recommendation_ids=tuple(dict.fromkeys(pair)), is_public=i % 2 == 0))
    for n, rid in enumerate(ids[:updates]):
        entry.add_progress(record, ProgressDraft(
            rid, agency, ImplementationStatus.IN_PROGRESS,
            f"Work with Māori and whānau has begun ({n}); a Cabinet paper is in preparation.",
            dt.date(2024, 1 + n % 12, 1 + n % 28), is_public=n % 2 == 0))


def midterm_db(folder: Path) -> Path:
    path = folder / "midterm.sqlite3"
    record = open_record(path)
    try:
        import_files(record, "upr-info", [NZ_CSV])
        assign_lead_defaults(record)
        _work(record, _ids(record, "UPR"), "MOJ", 100, 150)
    finally:
        record.close()
    return path


def periodic_db(folder: Path) -> Path:
    """500 CRC paragraphs (1(a), 1(b), 2(a), …) with sections as themes."""
    path = folder / "periodic.sqlite3"
    texts = [r.text for r in upr_info.parse(UPR_INFO_FILES[0]).records[:N_PERIODIC]]
    recs = [DocumentRecommendation(f"{n // 2 + 1}({'ab'[n % 2]})", text,
                                   section=THEMES[(n // 2) % len(THEMES)])
            for n, text in enumerate(texts)]
    source = folder / "CRC_C_NZL_CO_6.docx"
    source.write_bytes(b"stand-in")
    preview = DocumentPreview(str(source), DocumentInfo(
        DocumentKind.CONCLUDING_OBSERVATIONS, "CRC/C/NZL/CO/6", "CRC", "New Zealand",
        dt.date(2023, 2, 2)), recommendations=recs)
    record = open_record(path)
    try:
        apply(record, preview)
        assign_lead_defaults(record)
        _work(record, _ids(record, "CRC"), "MSD", 250, 400)
    finally:
        record.close()
    return path


def floor_once(made: Draft, out: Path) -> float:
    """python-docx alone, at its quickest: the same headings, paragraphs (each run a <w:r>
    with its <w:t>) and tables (a cell's text the same), saved. Styles are set by id and
    text is added as <w:t> elements: python-docx's public setters look styles up by name
    and feed text in character by character, several times slower for the same file."""
    def work() -> None:
        doc = docx.Document()
        body = doc.element.body

        def para(style: str = "", *texts: str) -> None:
            p = body.add_p()
            if style:
                p.style = style
            for text in texts:
                p.add_r().add_t(text)

        para("Title", made.meta.title)
        for line in made.summary:
            para("", line)
        for block in made.blocks:
            if isinstance(block, Heading):
                para(f"Heading{block.level}", block.text)
            elif isinstance(block, Paragraph):
                para("", *(run.text for run in block.runs))
            elif isinstance(block, Gap):
                para("", block.text)
            elif isinstance(block, Table):
                table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
                # (cell by cell on the XML: python-docx's row.cells rebuilds the whole
                # table's cell list on every call)
                for tr, values in zip(table._tbl.tr_lst, (block.header, *block.rows),
                                      strict=True):
                    for tc, value in zip(tr.tc_lst, values, strict=True):
                        text = value if isinstance(value, str) else value.text
                        tc.p_lst[0].add_r().add_t(text)
        doc.save(str(out))
    return timed(work)


def _measure(name: str, db: Path, request: DraftRequest, runs: int, folder: Path,
             note: str) -> list[Figure]:
    record = open_record(db)
    try:
        made = build_draft(record, request)
        floor_once(made, folder / "warm.docx")  # python-docx's template loaded, untimed
        builds, apps, floors = [], [], []
        for _ in range(runs):
            floors.append(floor_once(made, folder / "floor.docx"))
            builds.append(timed(lambda: build_draft(record, request)))
            apps.append(timed(lambda: draft(record, request, folder / "app.docx")))
    finally:
        record.close()
    floor = median(floors)
    recs, gaps = len(made.references()), len({g.reference for g in made.gaps})
    return [Figure(f"{name}.floor", floor, "s", runs=runs,
                   note="the same blocks written by python-docx alone"),
            Figure(f"{name}.build", median(builds), "s", floor, runs,
                   "read (one transaction) and layout, no writing"),
            Figure(name, median(apps), "s", floor, runs,
                   f"{note}: {recs} recs, {gaps} gaps, {len(made.blocks)} blocks")]


def run(runs: int) -> list[Figure]:
    folder = Path(tempfile.mkdtemp(prefix="nmrf-bench-draft-"))
    try:
        figures = _measure("draft.midterm228", midterm_db(folder),
                           DraftRequest("upr-mid-term"), runs, folder, "upr-mid-term by theme")
        figures += _measure("draft.periodic500", periodic_db(folder),
                            DraftRequest("periodic", body="CRC"), runs, folder,
                            "periodic CRC by theme")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.draft_bench")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    for figure in run(args.runs):
        sys.stdout.write(figure.line() + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
