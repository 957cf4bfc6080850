"""Never lose work: one app per database, backups on close and daily, the start-up check with
an offer to restore, and the Settings dialog; installs itself into the main window."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from nmrf_desktop import policy, settings
from nmrf_desktop.services import locations
from nmrf_desktop.services.backup import making as backup
from nmrf_desktop.services.instance import DatabaseInUse, InstanceGuard
from nmrf_desktop.services.record import DatabaseRefused, Record, open_record as _open_record
from nmrf_desktop.settings import AGENCY, BACKUP_DAILY, CENTRAL_KEY
from nmrf_desktop.ui.backup import messages
from nmrf_desktop.ui.backup.checks import (
    DamagedDatabase,
    PolicyRefused,
    latest_good,
    refuse_if_damaged,
)
from nmrf_desktop.ui.backup.messages import contents_text, restore_button_of
from nmrf_desktop.ui.window import state as window_state
from nmrf_desktop.ui.window.settings_dialog import SettingsDialog, user_source
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Safety"
DAILY_CHECK_MS = 60 * 60 * 1000  # look once an hour whether a day has passed


class SafetyHub(QObject):
    """Guards, backs up and checks the databases the window opens."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self.setObjectName("safetyHub")
        self._window = window
        self._lock = threading.Lock()
        self._guard: InstanceGuard | None = None  # the shown database's
        self._pending: dict[Path, InstanceGuard] = {}  # taken by opens still under way
        settings.set_user_source(user_source(window_state.settings))
        self.settings_action = self._make_settings_action()
        self.backup_action = QAction(_T(_C, "&Back Up Now"), window)
        self.backup_action.setStatusTip(_T(_C, "Back the open database, its evidence files "
                                               "and signing keys up to the backups folder now"))
        self.backup_action.triggered.connect(lambda _checked=False: self.back_up_now())
        window.addAction(self.backup_action)
        self._add_to_file_menu()
        self._timer = QTimer(self)
        self._timer.setInterval(DAILY_CHECK_MS)
        self._timer.timeout.connect(self._daily)
        self._timer.start()
        window.databaseOpened.connect(self._opened)
        window.installEventFilter(self)

    # -- menus ---------------------------------------------------------------------------

    def _make_settings_action(self) -> QAction:
        action = QAction(_T(_C, "&Settings…"), self._window)
        action.setObjectName("settingsAction")
        action.setMenuRole(QAction.MenuRole.PreferencesRole)
        action.setShortcut(QKeySequence(QKeySequence.StandardKey.Preferences))
        if action.shortcut().isEmpty():
            action.setShortcut(QKeySequence("Ctrl+,"))
        action.setStatusTip(_T(_C, "Evidence size, backups, and the settings your "
                                   "organisation has set"))
        action.triggered.connect(lambda _checked=False: self.show_settings())
        self._window.addAction(action)
        return action

    def _add_to_file_menu(self) -> None:
        profile = self._window.window_actions.profile
        for top in self._window.menuBar().actions():
            menu = top.menu()
            if not isinstance(menu, QMenu) or profile not in menu.actions():
                continue
            actions = menu.actions()
            after = actions[actions.index(profile) + 1] if profile is not actions[-1] else None
            menu.insertAction(after, self.settings_action)  # type: ignore[arg-type]
            menu.insertAction(after, self.backup_action)  # type: ignore[arg-type]
            return
        log.warning("no File menu found for Settings…")

    # -- opening: called on the worker by Shell's open job --------------------------

    def open_record(self, target: Path | str) -> Record:
        """Policy, lock, quick_check, then open: the open job's replacement for open_record.

        Runs on the worker. DatabaseInUse, DamagedDatabase or PolicyRefused say why not.
        A record on a server is opened as it is: several coordinators share it (the
        server arbitrates), and it has no file here to lock, check or back up.
        """
        where = locations.parse(target)
        if locations.is_server(where):
            return _open_record(where)
        path = Path(where).expanduser().resolve()
        refusal = policy.database_refusal(path)
        if refusal:  # before the lock file beside it: nothing is made in a refused folder
            raise PolicyRefused(refusal, str(path), policy.allowed_data_folder())
        guard = self._take_guard(path)
        try:
            refuse_if_damaged(path)
            return _open_record(path)
        except BaseException:
            self._drop_pending(path, guard)
            raise

    def _take_guard(self, path: Path) -> InstanceGuard:
        with self._lock:
            if self._guard is not None and self._guard.database == path:
                return self._guard  # reopening the database already shown
            guard = self._pending.get(path) or InstanceGuard(path)
            guard.acquire()
            self._pending[path] = guard
            return guard

    def _drop_pending(self, path: Path, guard: InstanceGuard) -> None:
        with self._lock:
            if self._pending.get(path) is guard:
                del self._pending[path]
                guard.release()

    def _opened(self, shown: str) -> None:
        where = locations.parse(shown)
        server = locations.is_server(where)
        self.backup_action.setEnabled(not server)
        self.backup_action.setStatusTip(
            _T(_C, "A record on a server is backed up by the server's administrators")
            if server else _T(_C, "Back the open database, its evidence files "
                                  "and signing keys up to the backups folder now"))
        path = None if server else Path(where).expanduser().resolve()
        with self._lock:
            guard = self._pending.pop(path, None) if path is not None else None
            old = self._guard
            if server:
                self._guard = None  # nothing here to lock or back up
            elif guard is not None:
                self._guard = guard
        if old is not None and old is not self._guard:
            # Queued after Shell's close of the old record: unlocked once it is closed.
            self._run(lambda: self._leave(old, back_up=True))
        self._daily()

    def _leave(self, guard: InstanceGuard, *, back_up: bool) -> None:
        try:
            if back_up and guard.database.is_file():
                backup.backup_database(guard.database, reason="close")
        except (backup.BackupFailed, OSError) as exc:
            log.error("no backup on close of %s: %s", guard.database, exc)
        finally:
            guard.release()

    # -- failures: Shell._open_failed asks here first -------------------------------

    def open_failed(self, exc: BaseException) -> bool:
        """Show the refusal or the restore offer for a failed open; False = not ours."""
        if isinstance(exc, DatabaseInUse):
            messages.in_use_box(self._window, exc)
            return True
        if isinstance(exc, DatabaseRefused):
            box = messages.policy_refused_box(self._window, exc)
            box.finished.connect(lambda _result: self._choose_after_refusal())
            return True
        if isinstance(exc, DamagedDatabase):
            self._window.statusBar().showMessage(_T(_C, "Looking for a good backup…"))
            self._run(lambda: latest_good(exc.path),
                      lambda found: self._offer_restore(exc, found))
            return True
        return False

    def _choose_after_refusal(self) -> None:
        """With no database open (a refused start), offer the chooser, in the allowed folder."""
        if self._window.database_path is None:
            self._window.choose_database()

    def _offer_restore(self, exc: DamagedDatabase,
                       latest: tuple[Path, backup.Contents] | None) -> None:
        self._window.statusBar().clearMessage()
        if latest is None:
            messages.damaged_box(self._window, exc.path, exc.problems)
            return
        found, contents = latest
        box = messages.restore_offer_box(self._window, exc.path, exc.problems, found, contents)
        restore_button = restore_button_of(box)

        def clicked(button: object) -> None:
            if button is restore_button:
                self.restore(exc.path, found)
        box.buttonClicked.connect(clicked)

    def restore(self, database: Path, chosen: Path) -> None:
        """Restore `chosen` over `database` on the worker, then open it."""
        def done(result: backup.Restored) -> None:
            self._window.statusBar().showMessage(
                _T(_C, "Restored {0} from {1}").format(database.name, chosen.name), 8000)
            self._window.open_database(result.database)
            if result.notes:
                messages.restore_notes_box(self._window, database, result)

        def failed(error: BaseException) -> None:
            log.error("restore failed", exc_info=error)
            self._window.show_error(_T(_C, "The backup was not restored.\n\n{0}").format(error))
        self._run(lambda: backup.restore(database, chosen, force=True), done, failed)

    # -- backups -------------------------------------------------------------------------

    def _daily(self) -> None:
        guard = self._guard
        if guard is None or not policy.value(BACKUP_DAILY):
            return
        path = guard.database

        def job() -> Path | None:
            if path.is_file() and backup.backup_due(path):
                return backup.backup_database(path, reason="daily")
            return None
        self._run(job, None, lambda e: log.error("daily backup of %s failed: %s", path, e))

    def back_up_now(self) -> None:
        guard = self._guard
        if guard is None:
            self._window.show_error(_T(_C, "Open a database first."))
            return
        path = guard.database

        def job() -> tuple[Path, backup.Contents]:
            out = backup.backup_database(path, reason="manual")
            return out, backup.describe(out)
        self._run(job, self._backed_up, lambda e: self._window.show_error(
            _T(_C, "The backup failed.\n\n{0}").format(e)))

    def _backed_up(self, made: tuple[Path, backup.Contents]) -> None:
        out, contents = made
        self._window.statusBar().showMessage(
            _T(_C, "Backed up to {0}: {1}").format(out, contents_text(contents)), 8000)
        if contents.gaps:
            messages.backup_gaps_box(self._window, contents.gaps)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self._closing()
        return False

    def _closing(self) -> None:
        """Before Shell.closeEvent: close the record, back it up, then unlock."""
        with self._lock:
            guard, self._guard = self._guard, None
        if guard is None:
            return
        record = self._window.record

        def job() -> None:
            if record is not None:
                record.close()
            self._leave(guard, back_up=True)
        self._run(job)

    def _run(self, job: Any, done: Any = None, failed: Any = None) -> None:
        runner = self._window.runner
        if runner.closed:  # shutting down: do it now, on this thread
            try:
                result = job()
            except Exception as exc:
                if failed is None:
                    raise
                failed(exc)
                return
            if done is not None:
                done(result)
            return
        runner.run(job, done, failed or (lambda e: log.error("safety task failed: %s", e)))

    # -- settings ------------------------------------------------------------------------

    def show_settings(self) -> None:
        record = self._window.record
        if record is None:
            self._open_settings({})
            return
        self._run(lambda: {CENTRAL_KEY.key: record.setting(CENTRAL_KEY.key),
                           AGENCY.key: record.setting(AGENCY.key)}, self._open_settings)

    def _open_settings(self, database_values: dict[str, str]) -> SettingsDialog:
        dialog = SettingsDialog(window_state.settings(), database_values=database_values,
                                parent=self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog
