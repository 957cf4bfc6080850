"""`nmrf-desktop --self-test`: the whole officer ↔ secretariat round trip in a temporary folder."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pypdf import PdfReader

from nmrf_desktop import __version__, paths
from nmrf_desktop.domain.entry import ActionDraft
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.importers.documents.model import NotADocument
from nmrf_desktop.importers.documents.reader import read_document
from nmrf_desktop.reports.model import ReportKind
from nmrf_desktop.services import entry, overlap
from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.catalog import check, search_recommendations
from nmrf_desktop.services.drafting import DraftRequest, draft
from nmrf_desktop.services.exchange import bundle_import, keys, packs
from nmrf_desktop.services.exchange.bundle_export import export_bundle
from nmrf_desktop.services.importing import import_files
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest
from nmrf_desktop.services.site import PublishRequest, publish
from nmrf_desktop.store import migrate
from nmrf_desktop.store.models import Action

if TYPE_CHECKING:
    from nmrf_desktop.services.record import Record

log = logging.getLogger(__name__)

# The demo data writes "Maori" without the macron; search must fold it both ways.
SEARCH_TEXT = "Māori"
UNMARKED = "Maori"


class StepFailed(Exception):
    """One step of the self-test did not give the expected result; the message says how."""


@dataclass
class _Run:
    """What the steps share: the folder, the two databases, keys and files made so far."""

    root: Path
    passphrase: bytes = field(default_factory=lambda: secrets.token_urlsafe(24).encode())
    records: list[Record] = field(default_factory=list)  # every one opened, closed at the end
    values: dict[str, Any] = field(default_factory=dict)

    def open(self, name: str) -> Record:
        # Throwaway databases in a temporary folder: not limited by the policy's data folder.
        record = open_record(self.root / name / f"{name}.sqlite3", app_owned=True)
        self.records.append(record)
        return record

    def close(self) -> None:
        for record in self.records:
            record.close()


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def _database(run: _Run) -> str:
    central = run.open("central")
    central.set_setting("officer_name", "Self-test secretariat")
    run.values["central"] = central
    head = migrate.head_revision(central.engine)
    _expect(migrate.current_revision(central.engine) == head, "schema is not at head")
    return f"schema {head}"


def _import_demo(run: _Run) -> str:
    central = run.values["central"]
    source = paths.demo_source()
    _expect(source.is_file(), f"demo data missing: {source}")
    report = import_files(central, "upr-info", [source])
    _expect(report.created > 0, "the demo data gave no recommendations")
    assigned = assign_lead_defaults(central)
    _expect(assigned["created"] > 0, "no lead agency assigned")
    return f"{report.created} recommendations, {assigned['created']} lead assignments"


def _overlap(run: _Run) -> str:
    """Overlap detection with the shipped word vectors (numpy and the vector file are in)."""
    vectors = overlap.vectors()
    _expect(vectors is not None, f"the word vectors did not load: {overlap.vectors_path()}")
    report = overlap.update(run.values["central"])
    found = overlap.clusters(run.values["central"])
    _expect(report.indexed > 0 and bool(found), "overlap detection found no cluster")
    return f"{len(found)} clusters among {report.indexed} recommendations, with vectors"


def _search(run: _Run) -> str:
    rows = search_recommendations(run.values["central"], Filters(text=SEARCH_TEXT), limit=None)
    unmarked = [r for r in rows if UNMARKED in r.text]
    _expect(bool(unmarked), f"{SEARCH_TEXT!r} found no row written {UNMARKED!r}")
    agencies = [a for r in unmarked for a in r.assigned_agencies]
    _expect(bool(agencies), "no matching recommendation is assigned to an agency")
    run.values["agency"] = agencies[0]
    run.values["rec_ids"] = [r.id for r in unmarked if agencies[0] in r.assigned_agencies][:2]
    return f"{SEARCH_TEXT!r}: {len(rows)} rows, {len(unmarked)} written {UNMARKED!r}"


def _pdf(run: _Run) -> str:
    out = run.root / "progress-summary.pdf"
    agency = run.values["agency"]
    # The search's rows only: a few pages, so the step stays quick.
    request = ReportRequest(ReportKind.AGENCY, Filters(text=SEARCH_TEXT, agency=agency))
    result = build_pdf(run.values["central"], request, out)
    _expect(result.recommendations > 0, "the PDF lists no recommendations")
    data = out.read_bytes()
    _expect(data.startswith(b"%PDF-"), "the PDF has no %PDF- header")
    _expect(b"%%EOF" in data[-1024:], "the PDF has no %%EOF trailer")
    reader = PdfReader(out)
    _expect(len(reader.pages) > 0, "the PDF has no pages")
    first = reader.pages[0].extract_text() or ""
    _expect("progress" in first.lower(), "the PDF's first page has no title")
    return f"{agency}: {len(reader.pages)} pages, {result.recommendations} recommendations"


def _draft(run: _Run) -> str:
    """A Word draft (python-docx writes it; a .docx is a zip holding word/document.xml)."""
    import zipfile

    out = run.root / "mid-term.docx"
    result = draft(run.values["central"], DraftRequest("upr-mid-term"), out)
    _expect(result.recommendations > 0, "the draft covers no recommendations")
    with zipfile.ZipFile(out) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    _expect("Heading1" in body, "the draft has no headings")
    return f"{result.recommendations} recommendations, {result.gaps} gaps"


def _site(run: _Run) -> str:
    """The public site, its search index built by Pagefind's bundled indexer."""
    folder = run.root / "site"
    result = publish(run.values["central"], PublishRequest(folder))
    _expect((folder / "index.html").is_file(), "the site has no home page")
    _expect(result.index_bytes > 0 and (folder / "pagefind").is_dir(),
            "the site has no search index")
    return f"{result.pages} pages, search index {result.index_bytes // 1024} KiB"


def _document(run: _Run) -> str:
    """The UN-document reader runs (pypdf, python-docx and its parsers are all there): the
    summary just printed is a PDF of text, but no UN document, and is refused as such."""
    out = run.root / "progress-summary.pdf"
    try:
        read_document(out)
    except NotADocument as exc:
        _expect("none of the UN documents" in str(exc), f"unexpected refusal: {exc}")
        return "a progress summary is read and refused as no UN document"
    raise StepFailed("the progress summary was taken for a UN document")


def _keys(run: _Run) -> str:
    central, laptop = run.values["central"], run.open("laptop")
    laptop.set_setting("officer_name", "Self-test officer")
    run.values["laptop"] = laptop
    keys.create_key(central, run.passphrase, central=True)
    keys.create_key(laptop, run.passphrase)
    public = run.root / "officer.pub"
    keys.export_public(laptop, public)
    info = keys.register_key(central, public, officer="Self-test officer",
                             agency=run.values["agency"])
    run.values["central_key"] = keys.load_key(central, run.passphrase, central=True)
    run.values["officer_key"] = keys.load_key(laptop, run.passphrase)
    return f"officer key {info.fingerprint[:19]}… registered for {info.agency}"


def _pack(run: _Run) -> str:
    out = run.root / "agency.nmrfpack"
    issued = packs.export_pack(run.values["central"], run.values["agency"], out,
                               run.values["central_key"])
    imported = packs.import_pack(run.values["laptop"], out)
    _expect(imported.first_pin, "the laptop did not pin the central key")
    _expect(imported.recommendations == issued["recommendations"] > 0,
            "the laptop did not receive every recommendation in the pack")
    return f"version {imported.version}, {imported.recommendations} recommendations"


def _action(run: _Run) -> str:
    action = entry.create_action(run.values["laptop"], ActionDraft(
        title="Self-test action", agency=run.values["agency"],
        recommendation_ids=tuple(run.values["rec_ids"]), start_date=dt.date.today()))
    run.values["action_id"] = action.id
    return f"linked to {len(run.values['rec_ids'])} recommendations"


def _bundle(run: _Run) -> str:
    out = run.root / "officer.nmrfbundle"
    result = export_bundle(run.values["laptop"], out, run.values["officer_key"])
    _expect(out.is_file() and result.changes > 0, "the bundle holds no changes")
    run.values["bundle"] = out
    return f"sequence {result.sequence}, {result.changes} changes"


def _merge(run: _Run) -> str:
    central, bundle = run.values["central"], run.values["bundle"]
    verified = bundle_import.verify_only(central, bundle)
    _expect(verified.status == "valid", f"verify: {verified.status} {verified.reason}")
    merged = bundle_import.import_bundle(central, bundle)
    _expect(merged.status == bundle_import.MERGED, f"import: {merged.status} {merged.reason}")
    with central.reading() as session:
        _expect(session.get(Action, run.values["action_id"]) is not None,
                "the officer's action is not in the central record")
    applied = merged.outcome.applied if merged.outcome else 0
    return f"verified and merged, {applied} changes applied"


def _check(run: _Run) -> str:
    for name in ("central", "laptop"):
        problems = check(run.values[name])
        _expect(not problems, f"{name}: {'; '.join(problems[:3])}")
    return "central and laptop pass"


def _qt(run: _Run) -> str:
    """The GUI's libraries, platform plugin and SVG support load; no window is made."""
    # Deferred on purpose: a library that fails to load is this step's finding, not a crash
    # of the whole self-test before it could report the steps that passed.
    from PySide6.QtCore import QSize, qVersion
    from PySide6.QtGui import QGuiApplication, QIcon, QImageReader
    from PySide6.QtWidgets import QApplication

    from nmrf_desktop.ui.window import main_window  # noqa: F401  (every UI module imports)

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "nmrf"])
    run.values["qt_app"] = app
    _expect(b"svg" in QImageReader.supportedImageFormats(), "no SVG image plugin")
    icon = paths.resources_dir() / "icons" / "nmrf-desktop.svg"
    _expect(icon.is_file(), f"app icon missing: {icon}")
    _expect(not QIcon(str(icon)).pixmap(QSize(64, 64)).isNull(), "the app icon does not render")
    return f"Qt {qVersion()} on platform {QGuiApplication.platformName()!r}"


STEPS: tuple[tuple[str, Callable[[_Run], str]], ...] = (
    ("fresh database", _database),
    ("import demo data", _import_demo),
    ("overlap detection", _overlap),
    ("search", _search),
    ("PDF progress summary", _pdf),
    ("Word draft", _draft),
    ("public site", _site),
    ("UN document reader", _document),
    ("signing keys", _keys),
    ("issue and import a pack", _pack),
    ("record an action", _action),
    ("export a bundle", _bundle),
    ("verify and merge the bundle", _merge),
    ("integrity check", _check),
    ("Qt runtime and icon", _qt),
)


def _say(line: str) -> None:
    if sys.stdout is None:  # a windowed (no console) Windows build: the exit code speaks
        return
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run() -> int:
    """Run every step in a temporary folder; 0 when all pass, 1 at the first failure."""
    started = time.perf_counter()
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    _say(f"NMRF Desktop {__version__} self-test ({frozen}, resources in {paths.install_root()})")
    with tempfile.TemporaryDirectory(prefix="nmrf-selftest-") as folder:
        state = _Run(Path(folder))
        try:
            for number, (name, step) in enumerate(STEPS, 1):
                began = time.perf_counter()
                try:
                    detail = step(state)
                except Exception as exc:
                    log.error("self-test step %r failed", name, exc_info=True)
                    _say(f"FAIL {number:2d} {name}: {type(exc).__name__}: {exc}")
                    return 1
                _say(f"ok   {number:2d} {name} ({time.perf_counter() - began:.2f} s): {detail}")
        finally:
            state.close()
    _say(f"self-test passed in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(run())
