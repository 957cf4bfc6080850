"""Recording an indicator's value on a laptop: the dialog's round trip to the record, and
the step on the window's undo stack (Edit → Undo takes back a value not sent yet)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QUndoCommand

from nmrf_desktop.domain.indicator_values import InvalidValue
from nmrf_desktop.services import indicator_entry
from nmrf_desktop.services.indicator_entry import VALUE_ENTRY, RecordedValue, ValueRefused
from nmrf_desktop.services.indicator_views import IndicatorDetail
from nmrf_desktop.ui.entry.undo import Context, context_of, run_step
from nmrf_desktop.ui.exchange.common import guarded
from nmrf_desktop.ui.indicators.record_dialog import RecordValueDialog
from nmrf_desktop.ui.window.shell import Shell

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Indicators"


class ValueCommand(QUndoCommand):
    """One value recorded: undo takes it back while unsent (the version before is current
    again); redo records the same fields again. Steps run on the task runner, in order."""

    def __init__(self, done: RecordedValue, fields: dict[str, Any], context: Context) -> None:
        super().__init__(_T(_C, "Record {0} {1} Value").format(done.code, done.period))
        self.code, self.fields, self.value_id = done.code, dict(fields), done.value_id
        self._context = context
        self._first_redo = True

    def undo(self) -> None:
        record, value_id = self._context.record, self.value_id
        if value_id is None:
            return
        self._run(lambda: indicator_entry.undo_value(record, value_id),
                  lambda _taken: self._context.told(_T(_C, "Undone: {0}.").format(self.text())),
                  _T(_C, "Could not undo “{0}”: {1}"))

    def redo(self) -> None:
        if self._first_redo:
            self._first_redo = False  # the dialog recorded it; the stack only keeps it
            return
        record, code, fields = self._context.record, self.code, dict(self.fields)
        self._run(lambda: indicator_entry.record_value(record, code, **fields),
                  self._redone, _T(_C, "Could not redo “{0}”: {1}"))

    def _redone(self, again: RecordedValue) -> None:
        self.value_id = again.value_id
        self._context.told(_T(_C, "Redone: {0}.").format(self.text()))

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None], failure: str) -> None:
        run_step(self, self._context, self.text(), job, done, failure)


class ValueRecording(QObject):
    """Record Value…: one dialog at a time; a value recorded goes on the undo stack."""

    def __init__(self, window: Shell) -> None:
        super().__init__(window)
        self._window = window
        self.dialog: RecordValueDialog | None = None

    def open(self, detail: IndicatorDetail) -> RecordValueDialog:
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = RecordValueDialog(detail, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saveRequested.connect(lambda code, fields: self._save(dialog, code, fields))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()

    def _save(self, dialog: RecordValueDialog, code: str, fields: dict[str, Any]) -> None:
        record = self._window.record
        if record is None:
            return
        self._window.runner.run(
            lambda: indicator_entry.record_value(record, code, **fields),
            guarded(self._saved, dialog, fields), guarded(self._failed, dialog))

    def _saved(self, dialog: RecordValueDialog, fields: dict[str, Any],
               done: RecordedValue) -> None:
        dialog.accept()
        window = self._window
        window.statusBar().showMessage(done.summary(), 8000)
        if not done.changed:
            return
        context = context_of(window, VALUE_ENTRY)
        if context is not None:
            window.undo_stack.push(ValueCommand(done, fields, context))
        window.did_change(VALUE_ENTRY)

    def _failed(self, dialog: RecordValueDialog, exc: BaseException) -> None:
        if isinstance(exc, InvalidValue):
            message = str(exc).split(": ", 1)[-1]
            dialog.show_problem(exc.field, message[:1].upper() + message[1:])
        elif isinstance(exc, ValueRefused):
            dialog.show_problem("", str(exc))
        else:
            log.error("the value could not be recorded", exc_info=exc)
            dialog.show_problem("", _T(_C, "The value was not recorded: {0}").format(exc))
