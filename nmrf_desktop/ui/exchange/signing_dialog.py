"""The frame the export dialogs share: passphrase row, message, progress bar, Export and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from nmrf_desktop.ui.exchange.common import MessageStrip, busy_bar, passphrase_field
from nmrf_desktop.ui.exchange.messages import explain, is_wrong_passphrase


class SigningDialog(QDialog):
    """A dialog that signs files with a key: summary, form, passphrase, message, progress.

    Subclasses build their summary and form, then call `_build_frame` with their own
    (translated) texts, and implement `export`.
    """

    def _build_frame(self, summary: QLabel, form: QFormLayout, *, passphrase_label: str,
                     placeholder: str, export_text: str) -> None:
        """Add the passphrase row to `form`, then lay the dialog out with its buttons."""
        self.passphrase = passphrase_field(self)
        self.passphrase.setPlaceholderText(placeholder)
        form.addRow(passphrase_label, self.passphrase)
        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            export_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def export(self) -> None:
        raise NotImplementedError

    def _show_failure(self, exc: BaseException) -> None:
        """Say why the job failed; back to the passphrase if that was wrong."""
        self.message.show_message("error", explain(exc))
        if is_wrong_passphrase(exc):
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
