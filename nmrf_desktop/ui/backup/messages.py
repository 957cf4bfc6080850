"""The safety hub's message boxes and their words: refusals, the restore offer, backup results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.instance import DatabaseInUse
from nmrf_desktop.services.record import DatabaseRefused
from nmrf_desktop.ui.plural import counted

_T = QCoreApplication.translate
_C = "Safety"


# lupdate (PySide6 6.11) collects translate(…, n) only when n is a plain name (it skips an
# expression), and marks it numerus only for tr(): translators get one form to adapt.
def evidence_files_text(n: int) -> str:
    return counted(_T(_C, "%n evidence file(s)", "", n), n)


def key_files_text(n: int) -> str:
    return counted(_T(_C, "%n key file(s)", "", n), n)


def contents_text(contents: backup.Contents) -> str:
    """What a backup holds, in a few words for a message."""
    if contents.database_only:
        return _T(_C, "the database only: an old-format backup without evidence files or keys")
    return _T(_C, "the database, {0} ({1}) and {2}").format(
        evidence_files_text(contents.evidence_files),
        QLocale().formattedDataSize(contents.evidence_bytes),
        key_files_text(contents.key_files))


def restore_button_of(box: QMessageBox) -> Any:
    """The offer's "Restore Backup" button (the one with the accept role)."""
    return next(b for b in box.buttons()
                if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)


def message_box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str, name: str, *,
                detail: str = "", ask: bool = False) -> QMessageBox:
    """A window-modal box, opened and deleted on close; `ask` offers Restore Backup/Leave It."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(name)
    if ask:
        box.addButton(_T(_C, "&Restore Backup"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_T(_C, "&Leave It"), QMessageBox.ButtonRole.RejectRole)
    else:
        box.addButton(QMessageBox.StandardButton.Ok)
    if detail:
        box.setDetailedText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def in_use_box(parent: QWidget, exc: DatabaseInUse) -> QMessageBox:
    return message_box(
        parent, QMessageBox.Icon.Warning, _T(_C, "Database Already Open"),
        _T(_C, "{0} is already open in another NMRF Desktop window, so it was not opened "
               "here. Switch to that window, or close it and try again.").format(
            exc.database.name), "inUseBox", detail=str(exc))


def policy_refused_box(parent: QWidget, exc: DatabaseRefused) -> QMessageBox:
    return message_box(
        parent, QMessageBox.Icon.Warning, _T(_C, "Not Allowed Here"),
        _T(_C, "Your organisation allows databases only in {0}.\n\n{1} is outside that "
               "folder, so it was not opened.").format(exc.folder, exc.target),
        "policyRefusedBox", detail=str(exc))


def damaged_box(parent: QWidget, database: Path, problems: list[str]) -> QMessageBox:
    """A damaged database with no backup that checks out: nothing to offer."""
    return message_box(
        parent, QMessageBox.Icon.Critical, _T(_C, "Database Damaged"),
        _T(_C, "{0} is damaged and no backup of it checks out. The file was left as it is; "
               "please contact your IT support.").format(database.name),
        "damagedBox", detail="\n".join(problems))


def restore_offer_box(parent: QWidget, database: Path, problems: list[str], found: Path,
                      contents: backup.Contents) -> QMessageBox:
    """Restore the latest good backup `found` over the damaged `database`, or leave it."""
    return message_box(
        parent, QMessageBox.Icon.Critical, _T(_C, "Database Damaged"),
        _T(_C, "{0} is damaged. Restore the latest good backup ({1}, holding {2})? Work "
               "recorded after that backup is not in it; the damaged file is kept beside it "
               "as a safety copy.").format(database.name, found.name, contents_text(contents)),
        "restoreOfferBox", detail="\n".join(problems), ask=True)


def restore_notes_box(parent: QWidget, database: Path,
                      result: backup.Restored) -> QMessageBox:
    """A restore that put files back but left some things for the user to see to."""
    return message_box(
        parent, QMessageBox.Icon.Information, _T(_C, "Backup Restored"),
        _T(_C, "{0} was restored, with {1} and {2} put back. Some things need your "
               "attention: see the details.").format(
            database.name, evidence_files_text(result.evidence_files),
            key_files_text(result.key_files)),
        "restoreNotesBox", detail="\n".join(result.notes))


def backup_gaps_box(parent: QWidget, gaps: tuple[str, ...]) -> QMessageBox:
    """A backup made without files the database names: already missing or damaged."""
    return message_box(
        parent, QMessageBox.Icon.Warning, _T(_C, "Backup Incomplete"),
        _T(_C, "The backup was made, but it is incomplete: files the database needs were "
               "already missing or damaged ({0} in all, named in the details). An older "
               "backup may still hold them; otherwise attach them again.").format(len(gaps)),
        "backupGapsBox", detail="\n".join(gaps))
