"""File > Open Central Record on a Server…: the address is checked, the password never kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy.engine import make_url

from nmrf_desktop.services import locations
from nmrf_desktop.ui.window.main_window import MainWindow
from nmrf_desktop.ui.window.server_dialog import ServerDialog, server_url


def test_addresses_are_checked() -> None:
    assert server_url("") == (None, "")
    assert server_url("not a url")[0] is None
    url, why = server_url("sqlite:////tmp/x.sqlite3")
    assert url is None and "postgresql://" in why
    assert server_url("postgresql://coord@db.govt.nz")[0] is None  # no database named
    assert server_url("postgresql://coord@db.govt.nz/nmrf")[0] == "postgresql://coord@db.govt.nz/nmrf"
    with_password, _ = server_url("postgresql://coord@db.govt.nz/nmrf", "pā ss")
    assert with_password is not None and make_url(with_password).password == "pā ss"
    assert "pā" not in locations.safe_text(with_password)


def test_the_dialog_opens_only_a_server_address(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert not open_button.isEnabled()
    qtbot.keyClicks(dialog.address, "sqlite:///x.sqlite3")
    assert not open_button.isEnabled() and "postgresql://" in dialog.problem.text()
    dialog.address.clear()
    qtbot.keyClicks(dialog.address, "postgresql://coord@db.govt.nz/nmrf")
    qtbot.keyClicks(dialog.password, "secret")
    assert open_button.isEnabled() and dialog.problem.text() == ""
    assert dialog.url() == "postgresql://coord:secret@db.govt.nz/nmrf"
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(tmp_path / "server-dialog.png"))


def test_file_menu_offers_it(window: MainWindow) -> None:
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Open Central Record on a &Server…" in texts


@pytest.mark.parametrize("address", ["postgresql://coord:pw@db.govt.nz:port/nmrf", "://nmrf"])
def test_an_unreadable_address_is_refused_clearly_and_opens_nothing(
        qtbot, window: MainWindow, address: str) -> None:  # type: ignore[no-untyped-def]
    before = window.database_path
    window.open_database(address)
    qtbot.waitUntil(lambda: bool(window.findChildren(QMessageBox)), timeout=5_000)
    [box] = window.findChildren(QMessageBox)
    assert box.text().startswith("not a database address:")
    assert "pw" not in box.text()  # the password never shows
    assert window.database_path == before


@pytest.mark.parametrize("address", ["postgresql://coord@db.govt.nz:5x/nmrf",
                                     "postgresql://coord@db.govt.nz:99999/nmrf", "://nmrf",
                                     "postgresql+psycopg://coord@:/"])
def test_an_address_that_cannot_be_read_is_a_problem_not_an_exception(
        qtbot, address: str) -> None:  # type: ignore[no-untyped-def]
    url, why = server_url(address)
    assert url is None and why
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.address, address)  # every keystroke is checked in a slot
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Open).isEnabled()
    assert dialog.problem.text()
