"""The key dialogs speak only through Qt's translation (a pseudo-translation shows any text
that escapes), name every control for a screen reader, and keep names in te reo Māori."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.services import catalog, facets
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.record import open_record
from nmrf_desktop.ui.exchange import ExportBundleDialog, ExportPacksDialog, KeysView
from nmrf_desktop.ui.exchange.key_dialogs import CreateKeyDialog, FingerprintDialog
from nmrf_desktop.ui.exchange.register_key_dialog import RegisterKeyDialog
from nmrf_desktop.ui.tasks import TaskRunner
from tests.gui.test_accessibility import unnamed_controls
from tests.gui.test_translations import (
    escaped,
    pseudo,  # noqa: F401 (the fixture)
    texts_of,
)
from tests.unit.exchange.world import World

from .keys_support import STRONG, new_laptop
from .test_keys_registry import bare_central  # noqa: F401 (the fixture)


def _problems(widget: QWidget, data: set[str]) -> list[str]:
    return escaped(texts_of(widget), data) + unnamed_controls(widget)


def test_key_dialogs_are_translated_and_named(qtbot, pseudo, tasks: TaskRunner,  # type: ignore[no-untyped-def]  # noqa: F811
                                              world: World, bare_central,  # noqa: F811
                                              tmp_path: Path) -> None:
    aroha = world.laptop("Aroha Ngātā", "MOJ")
    data = {"Aroha Ngātā", "Mere Tūhoe", "Secretariat", str(tmp_path)}
    for agency in facets.agency_choices(world.central):
        data |= {agency.code, agency.name_en, agency.name_mi, agency.display()}
    for info in keys.list_keys(world.central):
        data |= {info.key_id, info.fingerprint,
                 *keys.grouped_fingerprint(info.key_id).split("\n")}
    problems: list[str] = []

    create = CreateKeyDialog(tasks, aroha.record)  # Replace…: with its warning
    qtbot.addWidget(create)
    create.show()
    qtbot.waitUntil(lambda: create.state is not None, timeout=10_000)
    create.first.setText("password1234")
    create.second.setText("password1234")
    create.create_key()
    assert create.errors.shown()
    problems += _problems(create, data)
    create.first.setText(STRONG)
    create.second.setText(STRONG)
    create.create_key()
    qtbot.waitUntil(lambda: create.new_key is not None, timeout=20_000)
    new = create.new_key
    assert new is not None
    data |= {new.fingerprint, *keys.grouped_fingerprint(new.key_id).split("\n")}
    problems += _problems(create, data)

    own = keys.own_key(aroha.record)
    assert own is not None
    saved = FingerprintDialog(tmp_path / own.file_name, own)
    qtbot.addWidget(saved)
    saved.show()
    problems += _problems(saved, data)

    officer_key = SigningKey.generate()
    pub = tmp_path / "mere.pub"
    pub.write_bytes(officer_key.public.to_pem())
    public = keys.read_public_key(world.central, pub)
    data |= {keys.fingerprint(officer_key.id),
             *keys.grouped_fingerprint(officer_key.id).split("\n")}
    agencies = catalog.agencies(world.central)
    register = RegisterKeyDialog(public, agencies)
    qtbot.addWidget(register)
    register.show()
    register.submit()  # no name: the error beside the field
    problems += _problems(register, data)
    rotate = RegisterKeyDialog(public, agencies, replacing=keys.list_keys(world.central)[1])
    qtbot.addWidget(rotate)
    rotate.show()
    problems += _problems(rotate, data)

    view = KeysView(tasks, world.central)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.is_idle() and view.model.rowCount() == 2, timeout=10_000)
    view.table.selectRow(1)
    problems += _problems(view, data | {str(d) for k in view.model.rows()
                                        for d in (k.valid_from, k.valid_until) if d})

    packs_dialog = ExportPacksDialog(tasks, bare_central)
    qtbot.addWidget(packs_dialog)
    packs_dialog.show()
    qtbot.waitUntil(lambda: packs_dialog.agencies is not None, timeout=10_000)
    assert packs_dialog.needs_key
    problems += _problems(packs_dialog, data)

    laptop = new_laptop(world, tmp_path / "hemi", "Hemi Walker")
    record = open_record(laptop)
    try:
        bundle = ExportBundleDialog(tasks, record)
        qtbot.addWidget(bundle)
        bundle.show()
        qtbot.waitUntil(lambda: bundle.state is not None, timeout=10_000)
        assert bundle.create_key_button is not None
        problems += _problems(bundle, data)
        bundle.close()
        qtbot.waitUntil(lambda: not tasks.busy, timeout=10_000)
    finally:
        record.close()
    assert not problems, "\n".join(problems)
