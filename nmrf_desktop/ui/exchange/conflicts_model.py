"""Conflicts as a table: kind, action, field, current and incoming values, agency, arrival."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtGui import QColor

from nmrf_desktop.services.exchange.conflicts import ConflictInfo
from nmrf_desktop.ui.exchange.table_model import Column, RowsModel
from nmrf_desktop.ui.palette import meaning_colour

_T = QCoreApplication.translate


class ConflictColumn(IntEnum):
    KIND = 0
    TITLE = 1
    FIELD = 2
    CURRENT = 3
    INCOMING = 4
    AGENCY = 5
    STATUS = 6
    CREATED = 7


_N = QT_TRANSLATE_NOOP
FIELD_LABELS = {
    "title": _N("Conflicts", "Title"),
    "description": _N("Conflicts", "Description"),
    "kind": _N("Conflicts", "Kind"),
    "status": _N("Conflicts", "Status"),
    "start_date": _N("Conflicts", "Start date"),
    "target_date": _N("Conflicts", "Target date"),
    "completed_date": _N("Conflicts", "Completed date"),
    "is_public": _N("Conflicts", "Public"),
    "recommendation_ids": _N("Conflicts", "Recommendations"),
    "withdrawn": _N("Conflicts", "Withdrawn"),
}


def field_label(name: str) -> str:
    return ", ".join(_T("Conflicts", str(FIELD_LABELS.get(part, part)))
                     for part in name.split(","))


def value_text(value: Any) -> str:
    """A conflict value for reading: text as is, lists one per line, fields as name: value."""
    if value is None:
        return _T("Conflicts", "(empty)")
    if isinstance(value, bool):
        return _T("Conflicts", "yes") if value else _T("Conflicts", "no")
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(value_text(v) for v in value) or _T("Conflicts", "(none)")
    if isinstance(value, dict):
        return "\n".join(f"{field_label(k)}: {value_text(v)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False)


def one_line(value: Any) -> str:
    return " · ".join(value_text(value).splitlines())


def current_cell(info: ConflictInfo) -> str:
    """Soft conflicts carry no current value: the incoming change was applied."""
    if info.kind == "soft":
        return _T("Conflicts", "(applied)")
    return one_line(info.current)


def kind_label(kind: str) -> str:
    return {"hard": _T("Conflicts", "Hard"), "soft": _T("Conflicts", "Soft")}.get(kind, kind)


def status_label(info: ConflictInfo) -> str:
    if info.status == "open":
        return _T("Conflicts", "Open")
    return {"keep-current": _T("Conflicts", "Kept current"),
            "take-incoming": _T("Conflicts", "Took incoming"),
            "edit": _T("Conflicts", "Edited"),
            "acknowledge": _T("Conflicts", "Acknowledged")}.get(info.resolution, info.resolution)


class ConflictsModel(RowsModel):
    """Rows from services.conflicts.list_conflicts, oldest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([
            Column(_T("Conflicts", "Kind"), lambda c: kind_label(c.kind)),
            Column(_T("Conflicts", "Action"), lambda c: c.title, lambda c: c.title),
            Column(_T("Conflicts", "Field"), lambda c: field_label(c.field)),
            Column(_T("Conflicts", "Current value"), current_cell,
                   lambda c: value_text(c.current) if c.kind == "hard" else ""),
            Column(_T("Conflicts", "Incoming value"), lambda c: one_line(c.incoming),
                   lambda c: value_text(c.incoming)),
            Column(_T("Conflicts", "Agency"), lambda c: c.agency),
            Column(_T("Conflicts", "Status"), status_label),
            Column(_T("Conflicts", "Arrived"), lambda c: c.created_at),
        ], parent)

    def foreground(self, item: ConflictInfo, column: int) -> QColor | None:
        if column == ConflictColumn.KIND and item.status == "open":
            return meaning_colour("error" if item.kind == "hard" else "warning")
        return None

    def row_of(self, conflict_id: str) -> int:
        return next((i for i, c in enumerate(self.rows()) if c.id == conflict_id), -1)
