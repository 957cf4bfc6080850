"""A row no pack may carry is left out and named to the coordinator, not only in the log:
in the Export Packs dialog and on the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nmrf_desktop.ui.exchange import ExportPacksDialog
from nmrf_desktop.ui.tasks import TaskRunner
from tests.e2e.support import nmrf
from tests.unit.exchange.world import PASS, World


def _poison(world: World) -> str:
    """An assigned recommendation whose year an attacker (or a broken tool) set to inf."""
    path = world.central.engine.url.database
    assert path
    with sqlite3.connect(path) as conn:
        rec_id, = conn.execute(
            "SELECT r.id FROM recommendations r JOIN assignments a "
            "ON a.recommendation_id = r.id WHERE a.agency_code = 'MOJ' LIMIT 1").fetchone()
        conn.execute("UPDATE recommendations SET year = 9e999 WHERE id = ?", (rec_id,))
    return str(rec_id)


def test_the_dialog_names_what_was_left_out(qtbot, tasks: TaskRunner, world: World,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    rec_id = _poison(world)
    dialog = ExportPacksDialog(tasks, world.central)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.agencies is not None, timeout=10_000)
    dialog.folder.set_path(tmp_path / "packs")
    dialog.passphrase.setText(PASS.decode())
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        dialog.export_button.click()
    run = blocker.args[0]
    assert not run.cancelled and len(run.written) >= 2  # every agency's pack still made
    assert dialog.message.kind == "warning"
    text = dialog.message.text()
    # The recommendation and the assignments that lean on it, in each agency's pack.
    rows = len({row for p in run.written for row in p["left_out"]})
    assert rows >= 3 and f"({rows} rows;" in text
    assert "Left out of the packs" in text and rec_id in text
    dialog.grab().save(str(tmp_path / "left-out.png"))


def test_the_command_warns_of_each_row_left_out(world: World, tmp_path: Path) -> None:
    rec_id = _poison(world)
    db = Path(str(world.central.engine.url.database))
    world.central.close()
    done = nmrf("pack", "export", "--agency", "MOJ", "--out", tmp_path / "moj.nmrfpack",
                db=db, env={"NMRF_KEY_PASSPHRASE": PASS.decode()})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "left out of the pack" in line]
    assert len(warnings) == 3 and rec_id in warnings[0], done.stderr
    assert all("names a recommendation left out" in w for w in warnings[1:])
    assert (tmp_path / "moj.nmrfpack").is_file()
