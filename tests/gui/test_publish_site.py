"""File → Publish Public Site…: coordinators on the central record only; the folder, base URL
and language; published on the worker with progress and Cancel; refusals beside their
field; the counts, and the folder and home page opened on request."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLabel

from nmrf_desktop.services.assigning import assign_lead_defaults
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workspace import Profile, save_profile
from nmrf_desktop.store.models import Setting
from nmrf_desktop.ui.publish import choices, dialog as publish_dialog
from nmrf_desktop.ui.publish.dialog import PublishDialog
from nmrf_desktop.ui.publish.hub import PublishHub
from nmrf_desktop.ui.tasks import TaskRunner
from nmrf_desktop.ui.window.main_window import MainWindow

WAIT = 20_000
PUBLISH_WAIT = 120_000


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    """What the dialog asked the system to open (nothing is opened in a test)."""
    shown: list[QUrl] = []
    monkeypatch.setattr(publish_dialog, "open_url", lambda url: shown.append(url) or True)
    return shown


def prepare(record: Record, role: str = "coordinator") -> None:
    assign_lead_defaults(record)
    save_profile(record, Profile(role=role, agency="" if role == "coordinator" else "MOJ",
                                 officer_name="Hēmi Walker"))


def open_window(qtbot, runner: TaskRunner, db: Path, coordinator: bool = True  # type: ignore[no-untyped-def]
                ) -> MainWindow:
    window = MainWindow(runner, remember_state=False, ask_profile=False)
    qtbot.addWidget(window)
    window.open_database(db)
    window.show()
    qtbot.waitUntil(lambda: window.database_path is not None and window.is_idle()
                    and window.profile.is_coordinator == coordinator, timeout=WAIT)
    return window


def hub_of(window: MainWindow) -> PublishHub:
    hub = window.publish  # type: ignore[attr-defined]
    assert isinstance(hub, PublishHub)
    return hub


@pytest.fixture
def coordinator_window(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                       db_path: Path) -> MainWindow:
    prepare(nz_record)
    window = open_window(qtbot, runner, db_path)
    qtbot.waitUntil(lambda: hub_of(window).central is True, timeout=WAIT)
    return window


def open_dialog(window: MainWindow, out: Path) -> PublishDialog:
    dialog = hub_of(window).open_dialog()
    assert dialog is not None and dialog.isVisible()
    dialog.out.set_path(out)
    return dialog


def error_of(dialog: PublishDialog, field: str) -> QLabel:
    label = dialog.findChild(QLabel, f"{field}Error")
    assert label is not None
    return label


# -- who may publish ------------------------------------------------------------------------


def test_the_file_menu_offers_it_to_coordinators_only(qtbot, coordinator_window: MainWindow  # type: ignore[no-untyped-def]
                                                       ) -> None:
    window = coordinator_window
    action = hub_of(window).action
    assert action in window.file_menu().actions()
    assert action.text() == "Publis&h Public Site…" and action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+Shift+H"  # every command has one
    assert action.isVisible() and "public monitor website" in action.statusTip()
    window.profile = Profile(role="officer", agency="MOJ", officer_name="Aroha")
    hub_of(window).set_coordinator(False)
    assert not action.isVisible() and not action.isEnabled()
    assert hub_of(window).open_dialog() is None and hub_of(window).dialog is None


def test_an_officer_laptop_does_not_offer_it(qtbot, runner: TaskRunner, nz_record: Record,  # type: ignore[no-untyped-def]
                                             db_path: Path) -> None:
    prepare(nz_record, role="officer")
    window = open_window(qtbot, runner, db_path, coordinator=False)
    hub = hub_of(window)
    assert not hub.action.isVisible() and not hub.action.isEnabled()
    assert hub.open_dialog() is None and hub.dialog is None


def test_a_coordinator_profile_on_a_laptop_copy_is_refused(qtbot, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                           nz_record: Record,
                                                           db_path: Path) -> None:
    prepare(nz_record)
    with nz_record.unit_of_work() as session:  # it imported a pack: a laptop, whatever its role
        session.merge(Setting(key="pack_version", value="3"))
    window = open_window(qtbot, runner, db_path)
    hub = hub_of(window)
    qtbot.waitUntil(lambda: hub.central is False, timeout=WAIT)
    assert not hub.action.isEnabled() and "laptop copy" in hub.action.statusTip()
    assert hub.open_dialog() is None and hub.dialog is None
    assert "laptop copy" in window.statusBar().currentMessage()


# -- publishing -----------------------------------------------------------------------------


@pytest.mark.slow
def test_publishes_in_the_background_and_offers_the_folder_and_home_page(
        qtbot, coordinator_window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
        opened: list[QUrl]) -> None:
    out = tmp_path / "site"
    dialog = open_dialog(coordinator_window, out)
    dialog.base_url.setText("https://monitor.example.govt.nz/")
    dialog.lang.setCurrentIndex(dialog.lang.findData("mi"))
    assert not dialog.open_folder.isVisible() and not dialog.open_home.isVisible()
    dialog.go.click()
    assert dialog.busy and not dialog.go.isEnabled() and dialog.close_button.text() == "Cancel"
    assert "Publishing into" in dialog.message.text()
    stages: set[str] = set()  # what the bar said while it ran, read every 50 ms

    def seen() -> bool:
        stages.add(dialog.progress.format())
        return dialog.published is not None
    qtbot.waitUntil(seen, timeout=PUBLISH_WAIT)
    assert "Writing the site %p%" in stages, stages
    result = dialog.published
    assert result is not None and result.folder == out
    assert result.recommendations == 228 and result.pages > 228
    assert (out / "index.html").is_file()
    assert f"Published {result.pages} pages for 228 recommendations" in dialog.message.text()
    assert f"{result.written} files written" in dialog.message.text()
    assert dialog.message.kind == "success" and dialog.close_button.text() == "Close"
    assert dialog.open_folder.isVisible() and dialog.open_home.isVisible()
    assert not dialog.go.isVisible()
    dialog.open_folder.click()
    dialog.open_home.click()
    assert [u.toLocalFile() for u in opened] == [str(out), str(out / "index.html")]
    assert all(u.isLocalFile() for u in opened)
    # The choices are remembered for the next time.
    dialog.reject()
    again = choices.remembered()
    assert (again.folder, again.base_url, again.lang) == (
        out, "https://monitor.example.govt.nz/", "mi")


@pytest.mark.slow
def test_publishing_again_rewrites_nothing_when_nothing_changed(
        qtbot, coordinator_window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
        opened: list[QUrl]) -> None:
    out = tmp_path / "site"
    first = open_dialog(coordinator_window, out)
    first.go.click()
    qtbot.waitUntil(lambda: first.published is not None, timeout=PUBLISH_WAIT)
    first.reject()
    qtbot.waitUntil(lambda: hub_of(coordinator_window).dialog is None, timeout=WAIT)
    second = open_dialog(coordinator_window, out)
    second.go.click()
    qtbot.waitUntil(lambda: second.published is not None, timeout=PUBLISH_WAIT)
    assert second.published is not None and second.published.written == 0
    assert second.published.unchanged > 0 and second.published.removed == 0
    assert "0 files written" in second.message.text()
    assert opened == []


def test_cancel_stops_it(qtbot, coordinator_window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
                         opened: list[QUrl]) -> None:
    out = tmp_path / "cancelled"
    dialog = open_dialog(coordinator_window, out)
    gate = threading.Event()
    coordinator_window.runner.run(gate.wait)  # the worker is busy: the publish waits its turn
    dialog.go.click()
    dialog.reject()  # Cancel while it waits: asks it to stop
    assert dialog.isVisible() and "Cancelling" in dialog.message.text()
    assert not dialog.close_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    assert "Cancelled" in dialog.message.text() and dialog.message.kind == "warning"
    assert dialog.published is None and not (out / "index.html").exists()
    assert dialog.go.isEnabled() and dialog.close_button.isEnabled() and opened == []
    dialog.reject()
    assert not dialog.isVisible()


# -- refusals beside their field ------------------------------------------------------------


def test_an_empty_folder_field_is_refused_before_anything_starts(
        qtbot, coordinator_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(coordinator_window, tmp_path)
    dialog.out.edit.clear()
    dialog.go.click()
    assert not dialog.busy and not dialog.message.isVisible()
    label = error_of(dialog, "out")
    assert label.isVisibleTo(dialog)
    assert label.text() == "Choose the folder to publish the site into."
    assert dialog.out.edit.hasFocus() or not dialog.isActiveWindow()


def test_a_file_named_as_the_folder_is_refused_and_left_alone(
        qtbot, coordinator_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    taken = tmp_path / "notes.txt"
    taken.write_text("kept\n", encoding="utf-8")
    dialog = open_dialog(coordinator_window, taken)
    dialog.go.click()
    assert not dialog.busy
    assert error_of(dialog, "out").text() == \
        f"{taken} is a file, not a folder: choose a folder."
    assert taken.read_text(encoding="utf-8") == "kept\n"


def test_a_folder_inside_a_missing_one_is_refused_and_nothing_is_made(
        qtbot, coordinator_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "no such folder"
    dialog = open_dialog(coordinator_window, missing / "site")
    dialog.go.click()
    assert not dialog.busy
    assert error_of(dialog, "out").text() == \
        f"The folder {missing} does not exist: choose one with Browse…"
    assert not missing.exists()


def test_the_proposed_folder_is_made_in_a_missing_documents_folder(
        qtbot, coordinator_window: MainWindow, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    documents = tmp_path / "Documents"
    monkeypatch.setattr(choices, "documents_location", lambda: documents)
    dialog = hub_of(coordinator_window).open_dialog()
    assert dialog is not None and dialog.out.path() == documents / "nmrf-public-site"
    request = dialog.request()  # checked as Publish checks it, without publishing
    assert request is not None and request.out == documents / "nmrf-public-site"
    assert documents.is_dir() and not request.out.exists()
    assert not error_of(dialog, "out").isVisibleTo(dialog)
    dialog.reject()


def test_a_folder_the_service_refuses_is_shown_beside_the_folder(
        qtbot, coordinator_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A folder holding other files (not a site published before) is not written into."""
    folder = tmp_path / "my documents"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(b"not ours")
    dialog = open_dialog(coordinator_window, folder)
    dialog.go.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    label = error_of(dialog, "out")
    assert label.isVisibleTo(dialog) and label.text().startswith("The site was not published:")
    assert dialog.published is None and dialog.go.isEnabled()
    assert sorted(p.name for p in folder.iterdir()) == ["budget.xlsx"]


def test_a_bad_base_url_is_shown_beside_the_base_url(
        qtbot, coordinator_window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "site"
    dialog = open_dialog(coordinator_window, out)
    dialog.base_url.setText("not a web address")
    dialog.go.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
    label = error_of(dialog, "base_url")
    assert label.isVisibleTo(dialog) and "not a web address" in label.text()
    assert not error_of(dialog, "out").isVisibleTo(dialog)
    assert dialog.published is None and not (out / "index.html").exists()
