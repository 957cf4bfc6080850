"""Preview a UN document: what it says, and what applying it would do. Writes nothing."""

from __future__ import annotations

import logging
from pathlib import Path

from nmrf_desktop.importers.documents.model import DocumentPreview
from nmrf_desktop.importers.documents.reader import read_document
from nmrf_desktop.services.documents.plan import DocumentPlan, plan
from nmrf_desktop.services.record import Record

log = logging.getLogger(__name__)


def read(path: Path, symbol: str | None = None, body: str | None = None) -> DocumentPreview:
    """The document as read (NotADocument, naming the file, when it is none we read)."""
    return read_document(Path(path), symbol=symbol, body=body)


def preview(record: Record | None, path: Path, symbol: str | None = None,
            body: str | None = None) -> DocumentPlan:
    """Read `path` and plan it against `record` (every recommendation new when None)."""
    read_ = read(path, symbol, body)
    if record is None:
        return DocumentPlan.all_new(read_)
    return plan(record, read_)
