"""Draft a Report…: each kind drafted on the worker into a .docx that reads back; Cancel and
bad choices write nothing, with the problem shown beside its field; Open asks for the file.

The record (built once per module): the 228 New Zealand UPR recommendations, CERD's
concluding observations with follow-up on paragraphs 12 and 20, progress with macrons.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from zipfile import ZipFile

import docx
import pytest
from lxml import etree
from PySide6.QtCore import QDate, QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QMessageBox

from nmrf_desktop.domain.entry import ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.draft_model import DraftKind
from nmrf_desktop.services import facets
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.documents.apply import apply
from nmrf_desktop.services.entry import add_progress
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import Record, open_record
from nmrf_desktop.ui.reports import draft_dialog
from nmrf_desktop.ui.reports.draft_dialog import DraftDialog
from nmrf_desktop.ui.tasks import TaskRunner
from tests.conftest import NZ_CSV
from tests.gui.test_translations import (
    CLOSE,
    PseudoTranslator,
    _catalogue,
    escaped,
    pseudo,
    texts_of,
)
from tests.unit.documents import previews

CERD_NARRATIVE = "Te Tāhū o te Ture funded whānau-led justice hubs in Kirikiriroa."
UPR_NARRATIVE = "Ngā mahi: the Ministry consulted iwi Māori on the national action plan."
PRIVATE_NARRATIVE = "Internal only: Cabinet has not yet agreed the funding for Whānau Ora."
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(path: Path) -> dict[str, str]:
    """Write the record at `path`; the references the narratives were recorded on."""
    record = open_record(path)
    try:
        import_files(record, "upr-info", [NZ_CSV])
        assign_lead_defaults(record)
        apply(record, previews.concluding_observations(path.parent))
        cerd = {r.paragraph: r for r in search_recommendations(
            record, Filters(bodies=("CERD",)), limit=None)}
        upr = search_recommendations(record, Filters(bodies=("UPR",)), limit=1)[0]
        add_progress(record, ProgressDraft(cerd["20(a)"].id, "MOJ",
                                           ImplementationStatus.IN_PROGRESS, CERD_NARRATIVE,
                                           as_of=dt.date(2024, 3, 1)))
        add_progress(record, ProgressDraft(upr.id, "MOJ", ImplementationStatus.ONGOING,
                                           UPR_NARRATIVE, as_of=dt.date(2024, 5, 2),
                                           is_public=True))
        theme = upr.themes[0]
        in_theme = search_recommendations(record, Filters(bodies=("UPR",), themes=(theme,)),
                                          limit=None)
        other = next(r for r in in_theme if r.id != upr.id)
        add_progress(record, ProgressDraft(other.id, "MOJ", ImplementationStatus.IN_PROGRESS,
                                           PRIVATE_NARRATIVE, as_of=dt.date(2024, 6, 3)))
        return {"cerd": cerd["20(a)"].reference, "upr": upr.reference, "theme": theme,
                "in theme": str(len(in_theme))}
    finally:
        record.close()


def docx_text(path: Path) -> str:
    """Every piece of text in a Word file: body paragraphs, table cells and footnotes."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    with ZipFile(path) as archive:
        if "word/footnotes.xml" in archive.namelist():
            root = etree.fromstring(archive.read("word/footnotes.xml"))
            for note in root.iter(f"{_W}footnote"):
                parts.append("".join(t.text or "" for t in note.iter(f"{_W}t")))
    return "\n".join(parts)


def heading_styles(path: Path) -> set[str]:
    return {p.style.name for p in docx.Document(str(path)).paragraphs
            if p.style is not None and p.style.name.startswith(("Heading", "Title"))}


WAIT = 60_000
__all__ = ["pseudo"]  # the fixture, shared with test_translations


@pytest.fixture(scope="module")
def drafted_from(tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[tuple[Record, dict[str, str]]]:
    """The record to draft from (only read by the tests), and its narrated references."""
    path = tmp_path_factory.mktemp("draft-record") / "record.sqlite3"
    references = build(path)
    record = open_record(path, create=False)
    yield record, references
    record.close()


@pytest.fixture
def tasks() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.shutdown()


class UrlCatcher(QObject):
    """Stands in for the system's handler of file: URLs (QDesktopServices.setUrlHandler):
    what Open asked for is kept, nothing is opened."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.asked.append(url)


@pytest.fixture
def urls() -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # type: ignore[arg-type]
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


def open_dialog(qtbot, tasks: TaskRunner, record: Record, out: Path,  # type: ignore[no-untyped-def]
                kind: DraftKind = DraftKind.UPR_MID_TERM, own: str = "") -> DraftDialog:
    dialog = DraftDialog(tasks, record, Filters(), own)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.ready, timeout=WAIT)
    dialog.form.kind.setCurrentIndex(dialog.form.kind.findData(kind.value))
    dialog.form.out.set_path(out)
    return dialog


def wait_done(qtbot, dialog: DraftDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)


@pytest.mark.parametrize("kind", list(DraftKind))
def test_each_kind_is_drafted_and_reads_back(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                             drafted_from: tuple[Record, dict[str, str]],
                                             tmp_path: Path, urls: UrlCatcher,
                                             kind: DraftKind) -> None:
    record, references = drafted_from
    out = tmp_path / f"{kind.value}.docx"
    dialog = open_dialog(qtbot, tasks, record, out, kind)
    form = dialog.form
    treaty = kind in (DraftKind.FOLLOW_UP, DraftKind.PERIODIC)
    assert form.body.isEnabled() == treaty and form.body.currentData() == "CERD"
    assert form.paragraphs.isEnabled() == (kind is DraftKind.FOLLOW_UP)
    assert form.since_on.isEnabled() == (kind is DraftKind.PERIODIC)
    assert form.public_note.isVisibleTo(dialog) == (kind is DraftKind.CONSULTATION)
    if kind is DraftKind.FOLLOW_UP:  # the flagged paragraphs are the default, and shown
        assert form.paragraphs.text() == "12, 20(a), 20(b)"
        assert form.flagged.text() == "Flagged for follow-up by CERD: 12, 20(a), 20(b)."
        assert form.request().paragraphs == ()  # unchanged: the record's flags decide
    if not treaty:  # one theme of the UPR's, to keep the test quick
        form.theme.setCurrentIndex(form.theme.findData(references["theme"]))
    dialog.go.click()
    wait_done(qtbot, dialog)
    result = dialog.result_
    assert result is not None and result.path == out and out.is_file(), dialog.message.text()
    text = docx_text(out)
    assert {"Heading 1"} <= heading_styles(out)
    if kind in (DraftKind.FOLLOW_UP, DraftKind.PERIODIC):
        assert references["cerd"] in text and CERD_NARRATIVE in text
        assert "Māori in the criminal justice system" in text  # paragraph 20(a), macron kept
    else:
        assert references["upr"] in text and UPR_NARRATIVE in text
        assert result.recommendations == int(references["in theme"])
        # Not published: in the mid-term draft for government, never in the public one.
        assert (PRIVATE_NARRATIVE in text) == (kind is DraftKind.UPR_MID_TERM)
        assert CERD_NARRATIVE not in text  # the mid-term report is the UPR's
    shown = dialog.message.text()
    assert shown.startswith(f"Drafted {out.name}: {result.recommendations} recommendation")
    assert (f"{result.gaps} gap" in shown) if result.gaps else ("no gaps" in shown)
    assert ("public content" in shown) == (kind is DraftKind.CONSULTATION)
    assert dialog.open_button.isVisible() and dialog.open_button.isDefault()
    assert not dialog.go.isVisible() and dialog.close_button.text() == "Close"
    assert urls.asked == []  # nothing opens by itself
    dialog.open_button.click()
    assert urls.asked == [QUrl.fromLocalFile(str(out))]


def test_the_filters_and_choices_make_the_request(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                                  drafted_from: tuple[Record, dict[str, str]],
                                                  tmp_path: Path) -> None:
    record, _refs = drafted_from
    dialog = open_dialog(qtbot, tasks, record, tmp_path / "x.docx", DraftKind.PERIODIC,
                         own="MOJ")
    form = dialog.form
    assert form.agency.currentData() == "MOJ"  # an officer's laptop drafts for its agency
    form.cycle.setCurrentIndex(form.cycle.findData(2))
    form.theme.setCurrentIndex(1)
    theme = form.theme.currentData()
    form.group_by.setCurrentIndex(form.group_by.findData("paragraph"))
    form.since_on.setChecked(True)
    form.since.setDate(QDate(2019, 7, 1))
    request = dialog.request()
    assert (request.kind, request.body, request.group_by) == (DraftKind.PERIODIC, "CERD",
                                                              "paragraph")
    assert request.since == dt.date(2019, 7, 1)
    assert request.filters == Filters(agency="MOJ", cycles=(2,), themes=(theme,))
    form.kind.setCurrentIndex(form.kind.findData(DraftKind.FOLLOW_UP.value))
    form.paragraphs.setText("20 12")  # another choice than the flags: asked for as typed
    assert dialog.request().paragraphs == ("20", "12")
    assert [form.group_by.itemData(i) for i in range(form.group_by.count())] == ["paragraph"]
    form.kind.setCurrentIndex(form.kind.findData(DraftKind.UPR_MID_TERM.value))
    assert dialog.request().body == "" and not form.body.isEnabled()
    assert [form.group_by.itemData(i) for i in range(form.group_by.count())] == [
        "theme", "cluster"]
    assert form.out.path() == tmp_path / "x.docx"  # a name the user gave stays


def test_cancel_leaves_no_file(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                               drafted_from: tuple[Record, dict[str, str]],
                               tmp_path: Path, urls: UrlCatcher) -> None:
    record, _refs = drafted_from
    folder = tmp_path / "drafts"
    folder.mkdir()
    dialog = open_dialog(qtbot, tasks, record, folder / "cancelled.docx")
    gate = threading.Event()
    tasks.run(gate.wait)  # the worker is busy: the draft waits its turn
    dialog.go.click()
    assert dialog.busy and not dialog.form.isEnabled()
    dialog.reject()  # Cancel while it runs: asks it to stop
    assert dialog.isVisible() and "Cancelling" in dialog.message.text()
    gate.set()
    wait_done(qtbot, dialog)
    assert "Cancelled: no file was written." in dialog.message.text()
    assert list(folder.iterdir()) == [] and urls.asked == []
    assert dialog.go.isEnabled() and dialog.form.isEnabled()
    dialog.reject()
    assert not dialog.isVisible()


@pytest.mark.parametrize("field", ["paragraphs", "out", "since"])
def test_a_bad_choice_is_shown_beside_its_field_and_writes_nothing(  # type: ignore[no-untyped-def]
        qtbot, tasks: TaskRunner, drafted_from: tuple[Record, dict[str, str]],
        tmp_path: Path, urls: UrlCatcher, field: str) -> None:
    record, _refs = drafted_from
    out = tmp_path / "bad.docx"
    dialog = open_dialog(qtbot, tasks, record, out, DraftKind.FOLLOW_UP)
    form = dialog.form
    if field == "paragraphs":
        form.paragraphs.setText("12, 99")
    elif field == "out":
        out = tmp_path / "no such folder" / "bad.docx"
        form.out.set_path(out)
    else:
        form.kind.setCurrentIndex(form.kind.findData(DraftKind.PERIODIC.value))
        form.since_on.setChecked(True)
        form.since.setDate(QDate.currentDate().addDays(30))
    dialog.go.click()
    wait_done(qtbot, dialog)
    label = dialog.findChild(QLabel, f"{field}Error")
    assert label is not None and label.isVisibleTo(dialog), dialog.message.text()
    wanted = {"paragraphs": "99", "out": str(out.parent), "since": "future"}[field]
    assert wanted in label.text()
    assert label.text().startswith("The draft was not written:")
    assert not dialog.message.isVisible()
    assert list(tmp_path.rglob("*.docx")) == [] and urls.asked == []
    assert dialog.go.isEnabled() and dialog.result_ is None
    focused = {"paragraphs": form.paragraphs, "out": form.out, "since": form.since}[field]
    assert focused.hasFocus() or focused.isAncestorOf(dialog.focusWidget())


@pytest.mark.slow  # lupdate reads the whole package (as test_translations does)
def test_every_string_shown_is_translatable(qtbot, pseudo: PseudoTranslator,  # type: ignore[no-untyped-def]
                                            tasks: TaskRunner, tmp_path: Path,
                                            drafted_from: tuple[Record, dict[str, str]]
                                            ) -> None:
    """Under a translator that wraps every text, nothing the dialog shows is left bare, and
    lupdate collects each text the dialog asked for, in the context it asked in."""
    record, _refs = drafted_from
    data = {"CERD", "UPR", "12", "20(a)", "20(b)", str(tmp_path)}
    for agency in facets.agency_choices(record):
        data |= {agency.code, agency.name_en, agency.name_mi, agency.display()}
    data |= set(facets.choices(record).themes)
    problems = []
    for kind in (DraftKind.FOLLOW_UP, DraftKind.PERIODIC, DraftKind.CONSULTATION):
        dialog = open_dialog(qtbot, tasks, record, tmp_path / "x.docx", kind)
        assert dialog.windowTitle().endswith(CLOSE), "the pseudo-translator is not in use"
        dialog.form.paragraphs.setText("99")
        dialog.go.click()  # a refusal beside its field, in words the service gives
        wait_done(qtbot, dialog)
        problems += [f"[{kind}] {p}" for p in escaped(texts_of(dialog), data | {
            "the record holds no recommendation in paragraph 99 of CERD"})]
        dialog.close()
    catalogue = _catalogue(tmp_path)
    asked = {source: contexts for source, contexts in pseudo.asked.items()
             if contexts & {"DraftForm", "DraftDialog", "Reports"}}
    missing = [f"{sorted(c)}: {s!r}" for s, c in asked.items()
               if not c & catalogue.get(s, set())]
    assert not problems, "\n".join(problems)
    assert asked and not missing, "\n".join(missing)


def test_replacing_a_file_asks_first(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                     drafted_from: tuple[Record, dict[str, str]],
                                     tmp_path: Path) -> None:
    record, _refs = drafted_from
    out = tmp_path / "existing.docx"
    out.write_bytes(b"an earlier draft")
    dialog = open_dialog(qtbot, tasks, record, out, DraftKind.PERIODIC)
    dialog.go.click()
    box = dialog.confirm_box
    assert box is not None and box.isVisible() and not dialog.busy
    assert box.text() == "existing.docx already exists. Replace it?"
    box.button(QMessageBox.StandardButton.Cancel).click()  # kept as it was
    assert out.read_bytes() == b"an earlier draft" and dialog.confirm_box is None
    dialog.go.click()
    box = dialog.confirm_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == "&Replace").click()
    wait_done(qtbot, dialog)
    assert dialog.result_ is not None and CERD_NARRATIVE in docx_text(out)


def test_no_word_processor_is_said(qtbot, tasks: TaskRunner,  # type: ignore[no-untyped-def]
                                   drafted_from: tuple[Record, dict[str, str]],
                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system found nothing to open a .docx with: the dialog says where the file is."""
    record, _refs = drafted_from
    asked: list[Path] = []
    monkeypatch.setattr(draft_dialog, "open_file", lambda path: asked.append(path) and False)
    dialog = open_dialog(qtbot, tasks, record, tmp_path / "f.docx", DraftKind.FOLLOW_UP)
    dialog.go.click()
    wait_done(qtbot, dialog)
    dialog.open_button.click()
    assert asked == [tmp_path / "f.docx"] and dialog.message.kind == "warning"
    assert dialog.message.text() == (f"No word processor opened f.docx: open it from its "
                                     f"folder, {tmp_path}.")
