"""Write a draft: check the output, build the draft, write the Word document atomically."""

from __future__ import annotations

import logging
from pathlib import Path

from nmrf_desktop.reports import docx_writer
from nmrf_desktop.reports.draft_model import Draft
from nmrf_desktop.services.drafting.build import build_draft
from nmrf_desktop.services.drafting.request import DraftRequest, DraftResult, check_out
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.request import writing

log = logging.getLogger(__name__)


def draft(record: Record, request: DraftRequest, out: Path,
          progress: Progress = NO_PROGRESS) -> DraftResult:
    """Validate, build and write the draft to `out` (atomically: all or nothing)."""
    check_out(out)
    made = build_draft(record, request)
    progress.start(len(made.blocks), "Writing the draft")
    writing(out, lambda: _write(made, out, progress))
    progress.finish()
    refs = made.references()
    gaps = len({g.reference for g in made.gaps})
    log.info("drafted %s: %d recommendations, %d gaps, to %s", made.meta.kind.value,
             len(refs), gaps, out)
    return DraftResult(out, len(refs), gaps, made.meta.fingerprint)


def _write(made: Draft, out: Path, progress: Progress) -> int:
    docx_writer.write_docx(made, out,
                           advance=lambda: progress.advance(docx_writer.ADVANCE_EVERY))
    return len(made.blocks)
