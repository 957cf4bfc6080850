"""Every visible string goes through Qt's translation: a pseudo-translation catches escapes.

A translator that wraps every source text in ⟦…⟧ is installed before the main window and
its dialogs are built; then every visible text (labels, buttons, menus and their actions,
window and group titles, tabs, placeholders, table headers, tool tips, accessible names)
must be wrapped, apart from data read from the database (agency names, references,
recommendation texts, the officer's name, the database file name).

The catalogues themselves: `packaging/update_translations.py` refreshes the .ts sources
with pyside6-lupdate; the test below checks they parse and compile with lrelease.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QAbstractListModel, QCoreApplication, QLocale, Qt, QTranslator
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from nmrf_desktop import i18n
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import catalog, facets
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile
from nmrf_desktop.ui.assigning import AssignDialog
from nmrf_desktop.ui.reports.hub import PDF, XLSX
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
WAIT = 10_000
OPEN, CLOSE = "⟦", "⟧"


class PseudoTranslator(QTranslator):
    """Wraps every source text, in every context: what escapes tr() shows up unwrapped."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: dict[str, set[str]] = {}  # source text: the contexts it was asked in

    def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def,override]
        if source:
            self.asked.setdefault(source, set()).add(context or "")
        return f"{OPEN}{source}{CLOSE}" if source else source

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def pseudo(qapp: QApplication) -> Iterator[PseudoTranslator]:
    translator = PseudoTranslator()
    qapp.installTranslator(translator)
    yield translator
    qapp.removeTranslator(translator)


# -- walking what is shown ----------------------------------------------------------------

def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.replace("&&", "").strip()


def _menu_texts(menu: QMenu, where: str) -> Iterator[tuple[str, str]]:
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        yield f"{where} › action", action.text()
        yield f"{where} › {action.text()} tip", action.toolTip() \
            if action.toolTip() != action.text().replace("&", "").replace("…", "") else ""
        yield f"{where} › {action.text()} status tip", action.statusTip()
        if action.menu() is not None:
            yield from _menu_texts(action.menu(), f"{where} › {action.text()}")


def _header_texts(view: QAbstractItemView, where: str) -> Iterator[tuple[str, str]]:
    header = getattr(view, "horizontalHeader", lambda: None)()
    model = view.model()
    if model is None or not isinstance(header, QHeaderView) or not header.isVisibleTo(view):
        return
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = model.headerData(section, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield f"{where} header {section}", value


def _cell_texts(view: QAbstractItemView, where: str,
                rows: int = 30) -> Iterator[tuple[str, str]]:
    """The first rows' cells: the program's words in them (statuses, kinds) are translated."""
    model = view.model()
    if model is None or isinstance(view, QHeaderView):
        return
    root = view.rootIndex()
    for row in range(min(rows, model.rowCount(root))):
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
        for column in range(columns):
            index = model.index(row, column, root)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = index.data(role)
                if isinstance(value, str):
                    yield f"{where} cell {row},{column}", value


def visible_widgets(top: QWidget) -> list[QWidget]:
    return [top] + [w for w in top.findChildren(QWidget) if w.isVisibleTo(top)]


def texts_of(top: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every human string `top` shows, itself and its visible children."""
    for w in visible_widgets(top):
        where = f"{type(w).__name__}#{w.objectName() or '?'}"
        if w.isWindow() or isinstance(w, QDockWidget):
            yield f"{where} title", w.windowTitle()
        yield f"{where} tooltip", w.toolTip()
        yield f"{where} accessible name", w.accessibleName()
        yield f"{where} accessible description", w.accessibleDescription()
        yield f"{where} whats this", w.whatsThis()
        if isinstance(w, (QLabel, QAbstractButton)):
            yield f"{where} text", w.text()
        elif isinstance(w, QGroupBox):
            yield f"{where} title", w.title()
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    yield f"{where} tab {i}", w.tabText(i)
                    yield f"{where} tab {i} tip", w.tabToolTip(i)
        elif isinstance(w, QLineEdit):
            yield f"{where} placeholder", w.placeholderText()
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            yield f"{where} placeholder", w.placeholderText()
            if w.isReadOnly():  # a pane the program writes: each line on its own
                for n, line in enumerate(w.toPlainText().splitlines()):
                    yield f"{where} line {n}", line
        elif isinstance(w, QMenu):
            yield from _menu_texts(w, where)
        if isinstance(w, QAbstractItemView):
            yield from _header_texts(w, where)
            yield from _cell_texts(w, where)
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield f"{where} item {i}", w.itemText(i)
            if w.isEditable():
                yield f"{where} placeholder", w.lineEdit().placeholderText()
    if hasattr(top, "menuBar") and top.menuWidget() is not None:
        for action in top.menuBar().actions():
            if action.isVisible() and action.menu() is not None:
                yield "menu bar", action.text()
                yield from _menu_texts(action.menu(), f"menu {action.text()}")


def _strip_wrapped(text: str) -> str:
    """What is left of `text` outside every ⟦…⟧ (nested ones too)."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    return text


def escaped(found: Iterator[tuple[str, str]], data: set[str]) -> list[str]:
    """The strings (with where they are) whose words are neither translated nor data."""
    bad = []
    for where, raw in found:
        text = _plain(raw or "")
        if not re.search(r"[^\W\d_]", text):
            continue  # empty, numbers, punctuation
        if Path(text).is_absolute() or re.fullmatch(r"[\w.-]+\.[a-z0-9]{2,5}", text):
            continue  # a file or folder the user chose or will write
        rest = _strip_wrapped(text)
        if rest.endswith("…") and any(d.startswith(rest[:-1].strip()) for d in data):
            continue  # data cut short to fit a cell
        for datum in sorted(data, key=len, reverse=True):
            if datum and datum in rest:
                rest = rest.replace(datum, " ")
        words = [w for w in re.findall(r"[^\W\d_]{2,}", rest)]
        if words:
            bad.append(f"{where}: {raw!r}")
    return bad


def database_data(record: Record, window: MainWindow) -> set[str]:
    """Strings that come from the database or the user, not from the program."""
    data: set[str] = set()
    for agency in facets.agency_choices(record):
        data |= {agency.code, agency.name_en, agency.name_mi, agency.display()}
    choices = facets.choices(record)  # taxonomies and states named in the data
    for values in (choices.bodies, choices.themes, choices.groups, choices.sdgs,
                   choices.states):
        data |= set(values)
    for row in catalog.search_recommendations(record, Filters(), limit=None):
        data |= {row.reference, row.text, row.country, row.body}
    if window.database_path is not None:
        data |= {window.database_path.name, str(window.database_path)}
    data |= {window.profile.officer_name, "NMRF Desktop", "SHA-256", "https", "http"}
    return {d for d in data if d}


# -- opening every window ---------------------------------------------------------------

def _wait_idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.is_idle() and not window.runner.busy, timeout=WAIT)


def open_windows(qtbot, window: MainWindow, record: Record) -> Iterator[tuple[str, QWidget]]:  # type: ignore[no-untyped-def]
    """The main window (each tab), then every dialog an officer and a coordinator reach.

    Each is yielded while shown; dialogs are closed once the caller moves on.
    """
    _wait_idle(qtbot, window)
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=WAIT)
    _wait_idle(qtbot, window)
    yield "main window (officer)", window

    def dialog(name: str, opened: object) -> Iterator[tuple[str, QWidget]]:
        shown = opened if isinstance(opened, QWidget) else QApplication.activeModalWidget()
        if shown is None:
            shown = next((w for w in QApplication.topLevelWidgets()
                          if isinstance(w, QDialog) and w.isVisible()), None)
        assert shown is not None, f"{name} did not open"
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT)
        yield name, shown
        shown.close()
        qtbot.waitUntil(lambda: not shown.isVisible(), timeout=WAIT)

    yield from dialog("about", window.show_about())
    yield from dialog("profile", window.session.edit_profile())
    yield from dialog("new action", window.editing.new_action())
    yield from dialog("progress update", window.editing.new_update())
    window.exchange.export_bundle()
    yield from dialog("export bundle", None)
    for fmt in (PDF, XLSX):
        yield from dialog(f"report {fmt}", window.reports.open_dialog(fmt))
    window.safety.show_settings()
    qtbot.waitUntil(lambda: getattr(window.safety, "dialog", None) is not None, timeout=WAIT)
    yield from dialog("settings", window.safety.dialog)

    # The coordinator's windows.
    window.session._apply_profile(Profile(role="coordinator", officer_name="Test Coordinator"))
    _wait_idle(qtbot, window)
    yield "main window (coordinator)", window
    for index in range(window.tabs.count()):
        if window.tabs.isTabVisible(index):
            window.tabs.setCurrentIndex(index)
            _wait_idle(qtbot, window)
            qtbot.wait(50)
            _wait_idle(qtbot, window)
            yield f"tab {index}", window.tabs.currentWidget()
    window.show_list()
    assign = AssignDialog(window.agencies, 1, 228, window)
    assign.open()
    yield from dialog("assign", assign)
    window.exchange.show_keys()
    yield from dialog("signing keys", window.exchange._keys_dialog)
    window.exchange.export_packs()
    yield from dialog("export packs", None)


def _catalogue(tmp_path: Path) -> dict[str, set[str]]:
    """source text: contexts, as packaging/update_translations.py collects them now."""
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "packaging" / "update_translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (ts,) = module.update({"en": "en_NZ"}, out=tmp_path / "ts")
    found: dict[str, set[str]] = {}
    for context in ElementTree.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.setdefault(message.findtext("source") or "", set()).add(name)
    return found


@pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")
def test_no_visible_string_escapes_translation(qtbot, pseudo, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                               nz_db: Path, tmp_path: Path) -> None:
    window = MainWindow(runner, remember_state=False)
    qtbot.addWidget(window)
    window.open_database(nz_db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle(),
                    timeout=WAIT)
    assert window.windowTitle().endswith(CLOSE), "the pseudo-translator is not in use"
    record = window.record
    assert record is not None
    data = database_data(record, window)
    seen, problems = [], []
    for name, shown in open_windows(qtbot, window, record):
        seen.append(name)
        problems += [f"[{name}] {p}" for p in escaped(texts_of(shown), data)]
    assert len(seen) >= 14, seen
    assert not problems, "strings not translated:\n" + "\n".join(sorted(set(problems)))

    # Each text the program asked for is one lupdate collects, in a context asked for:
    # otherwise no translator could ever translate it (an alias, a computed context).
    catalogue = _catalogue(tmp_path)
    ours = {source: {c for c in contexts if not re.match(r"Q[A-Z]", c)}
            for source, contexts in pseudo.asked.items()}
    missing = sorted(f"{sorted(contexts)}: {source!r}" for source, contexts in ours.items()
                     if contexts and not contexts & catalogue.get(source, set()))
    assert not missing, "asked for but not in the catalogue:\n" + "\n".join(missing)


def test_data_is_not_mistaken_for_program_text() -> None:
    """The walker's own check: wrapped, partly wrapped, data and plain English."""
    found = [("a", "⟦Open⟧"), ("b", "⟦{0} of ⟦x⟧⟧ 12"), ("c", "Ministry of Justice"),
             ("d", "Open Database"), ("e", "⟦Filters⟧ (3)"), ("f", "⟦Save⟧ now")]
    assert escaped(iter(found), {"Ministry of Justice"}) == ["d: 'Open Database'",
                                                             "f: '⟦Save⟧ now'"]


# -- the catalogues -----------------------------------------------------------------------

def _tool(name: str) -> str | None:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def test_catalogues_exist_and_compile(tmp_path: Path) -> None:
    sources = sorted((ROOT / "resources" / "translations").glob("*.ts"))
    assert {p.name for p in sources} >= {"nmrf_desktop_en.ts", "nmrf_desktop_mi.ts"}
    lrelease = _tool("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease not installed")
    for ts in sources:
        qm = tmp_path / f"{ts.stem}.qm"
        subprocess.run([lrelease, str(ts), "-qm", str(qm)], check=True,
                       capture_output=True)
        assert qm.stat().st_size > 0


def test_te_reo_catalogue_translates_the_menus(qapp: QApplication, tmp_path: Path,  # type: ignore[no-untyped-def]
                                               monkeypatch) -> None:
    lrelease = _tool("pyside6-lrelease")
    if lrelease is None:
        pytest.skip("pyside6-lrelease not installed")
    ts = ROOT / "resources" / "translations" / "nmrf_desktop_mi.ts"
    subprocess.run([lrelease, str(ts), "-qm", str(tmp_path / "nmrf_desktop_mi.qm")],
                   check=True, capture_output=True)
    monkeypatch.setattr(i18n, "translations_dirs", lambda: [tmp_path])
    default = QLocale()
    installed = i18n.install(qapp, "mi")
    try:
        assert any(t.filePath().endswith("nmrf_desktop_mi.qm") for t in installed)
        assert QCoreApplication.translate("MainWindow", "&Help") != "&Help"
    finally:
        for translator in installed:
            qapp.removeTranslator(translator)
        QLocale.setDefault(default)


def test_language_c_installs_nothing(qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    assert i18n.install(qapp, "C") == []
