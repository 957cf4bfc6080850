"""The key dialog and `create_key` (so `nmrf keys create` too) judge a new passphrase by one
rule, with the same personal words (part D of issue 19); the key made is scrypt-wrapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from nmrf_desktop.bundles import key_wrap
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.keys import Weakness, WeakPassphrase
from nmrf_desktop.services.record import open_record
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog
from nmrf_desktop.ui.tasks import TaskRunner
from tests.unit.exchange.world import World

from .keys_support import STRONG, new_laptop, type_passphrases


def test_the_dialog_and_the_service_refuse_the_same_passphrase(  # type: ignore[no-untyped-def]
        qtbot, tasks: TaskRunner, world: World, tmp_path: Path) -> None:
    record = open_record(new_laptop(world, tmp_path / "moj", "Aroha Ngātā", "MOJ"))
    try:
        dialog = CreateKeyDialog(tasks, record)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.state is not None, timeout=10_000)
        assert dialog.state is not None
        assert dialog.state.personal == keys.personal_words(record) == ("Aroha Ngātā", "MOJ")

        type_passphrases(qtbot, dialog, "Aroha Ngātā MOJ")
        assert dialog.errors.shown()
        assert "your name, your agency" in dialog.errors.message("passphrase")
        error = dialog.findChild(QLabel, "passphraseError")
        assert error is not None and error.isVisible()
        # The dialog grows to show the wrapped message whole (it was clipped to one line).
        qtbot.waitUntil(lambda: error.height() >= error.heightForWidth(error.width()))
        dialog.grab().save("/tmp/d-key-personal.png")
        with pytest.raises(WeakPassphrase) as refused:  # the service: the same rule, no key
            keys.create_key(record, "Aroha Ngātā MOJ".encode())
        assert refused.value.weakness is Weakness.PERSONAL
        assert "the officer's name, the agency" in str(refused.value)
        assert keys.own_key(record) is None

        type_passphrases(qtbot, dialog, STRONG)
        qtbot.waitUntil(lambda: dialog.new_key is not None, timeout=20_000)
        own = keys.own_key(record)
        assert own is not None
        pem = (record.keys_root / f"{own.key_id}.pem").read_bytes()
        assert key_wrap.kdf_of(pem).name == "scrypt"
    finally:
        record.close()
