"""The officer's own signing key in the app: create or replace it, export its public half."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.bundles.keys import SigningKey
from nmrf_desktop.services.exchange import keys
from nmrf_desktop.services.exchange.keys import OwnKey, Weakness
from nmrf_desktop.services.record import Record
from nmrf_desktop.ui.exchange.common import MessageStrip, busy_bar, guarded, passphrase_field
from nmrf_desktop.ui.exchange.messages import explain
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.palette import muted_colour
from nmrf_desktop.ui.places import documents_location
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
_T = QCoreApplication.translate
_C = "Keys"


def weakness_text(weakness: Weakness, minimum: int) -> str:
    """Why a passphrase is refused, in words a person can act on."""
    if weakness is Weakness.SHORT:
        return _T(_C, "Too short: use at least %n characters. A few unrelated words make a "
                  "passphrase that is long and easy to remember.", "", minimum)
    return {
        Weakness.COMMON: _T(_C, "Too common: it is, or is close to, a password or word that "
                            "attackers try first."),
        Weakness.PERSONAL: _T(_C, "Too easy to guess: it is mostly your name, your agency "
                              "or the product's name."),
        Weakness.REPEAT: _T(_C, "Too simple: repeats like “aaaa” or “abcabc” are easy to "
                            "guess."),
        Weakness.SEQUENCE: _T(_C, "Too simple: sequences like “abcd” or “1234” are easy to "
                              "guess."),
        Weakness.KEYBOARD: _T(_C, "Too simple: keyboard patterns like “qwerty” are easy to "
                              "guess."),
        Weakness.DATE: _T(_C, "Too simple: dates and years are easy to guess."),
    }.get(weakness, _T(_C, "Too easy to guess: add another word or two that do not usually "
                       "go together."))


def fingerprint_label(kid: str, parent: QWidget) -> QLabel:
    """The fingerprint in large fixed-width groups of four, selectable, for a phone check."""
    label = QLabel(keys.grouped_fingerprint(kid), parent)
    label.setObjectName("fingerprint")
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.4)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.setAccessibleName(_T(_C, "Fingerprint"))
    label.setAccessibleDescription(keys.fingerprint(kid))
    label.setContentsMargins(0, 6, 0, 6)
    return label


def field_row(form: QFormLayout, text: str, field: QWidget, error: QLabel) -> QLabel:
    """A form row whose caption's mnemonic focuses `field`, with its error label below it."""
    caption = QLabel(text, form.parentWidget())
    caption.setBuddy(field)
    form.addRow(caption, with_error(field, error))
    return caption


@dataclass(frozen=True, slots=True)
class KeyState:
    """What the create dialog needs before asking anything (read on the worker)."""

    existing: OwnKey | None
    minimum: int
    personal: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just created: its id, and the key itself (for central, to go on signing)."""

    key_id: str
    fingerprint: str
    key: SigningKey


def _key_state(record: Record, central: bool) -> KeyState:
    return KeyState(keys.own_key(record, central=central), keys.minimum_passphrase_length(),
                    keys.personal_words(record, central=central))


def _create(record: Record, passphrase: bytes, central: bool) -> NewKey:
    kid = keys.create_key(record, passphrase, central=central)
    return NewKey(kid, keys.fingerprint(kid), keys.load_key(record, passphrase, central=central))


class CreateKeyDialog(QDialog):
    """A new signing key: the passphrase twice, checked; the key made on the worker.

    For the officer (`central=False`) a key that exists is replaced, with a warning; on
    success the dialog shows the new fingerprint and offers to export the public key
    (`export_public_key`, over the window below once this one closes). For
    the central record it closes at once. `created(NewKey)` fires either way.
    """

    created = Signal(object)  # NewKey

    def __init__(self, runner: TaskRunner, record: Record, *, central: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record, self._central = runner, record, central
        self._busy = False
        self.state: KeyState | None = None
        self.new_key: NewKey | None = None
        self.fingerprint: QLabel | None = None
        self.exporter: PublicKeyExporter | None = None
        self.setObjectName("createKeyDialog")
        if central:  # F1 opens the guide there
            self.setProperty("help_topic", "export-packs")
        else:
            self.setProperty("help_topic", "signing-key")
        self.setWindowTitle(self.tr("Create the Central Signing Key") if central
                            else self.tr("Create My Signing Key"))
        self._build()
        self._runner.run(lambda: _key_state(record, central), guarded(self._show_state),
                         guarded(self._failed))

    def _build(self) -> None:
        self.intro = QLabel(self._intro_text(), self)
        self.intro.setWordWrap(True)
        self.warning = MessageStrip(self)
        self.warning.setObjectName("replaceWarning")
        self.first = passphrase_field(self)
        self.first.setObjectName("newPassphrase")
        self.first.setAccessibleName(self.tr("New passphrase"))
        self.second = passphrase_field(self)
        self.second.setObjectName("repeatPassphrase")
        self.second.setAccessibleName(self.tr("Repeat the passphrase"))
        self.hint = QLabel(self)
        self.hint.setObjectName("strengthHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {muted_colour(self.palette()).name()};")
        general = error_label(self, "general")
        self.errors = FieldErrors(general)
        first_error, second_error = error_label(self, "passphrase"), error_label(self, "repeat")
        self.errors.add("passphrase", first_error, self.first)
        self.errors.add("repeat", second_error, self.second)
        first_cell = QVBoxLayout()
        first_cell.setSpacing(2)
        first_cell.addWidget(self.first)
        first_cell.addWidget(self.hint)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        caption = QLabel(self.tr("&Passphrase:"), self)
        caption.setBuddy(self.first)
        self.form.addRow(caption, with_error(first_cell, first_error))
        field_row(self.form, self.tr("&Repeat:"), self.second, second_error)
        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self.progress.setRange(0, 0)
        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton(
            self.tr("&Create Key"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button = self.buttons.addButton(
            self.tr("&Export Public Key…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.create_button.setDefault(True)
        self.create_button.setEnabled(False)
        self.create_button.clicked.connect(self.create_key)
        self.export_button.clicked.connect(self.export_public_key)
        self.close_button.clicked.connect(self.reject)
        self._layout = layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.warning)
        layout.addLayout(self.form)
        layout.addWidget(general)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.first.textChanged.connect(self._edited)
        self.second.textChanged.connect(self._edited)
        # Never smaller than the layout needs, so wrapped text is never clipped; the row of
        # buttons, always shown, sets the width.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.buttons.setMinimumWidth(520)

    def _intro_text(self) -> str:
        if self._central:
            return self.tr(
                "The central signing key signs every pack this record sends. Officers' "
                "laptops trust it when they import their first pack, after checking its "
                "fingerprint with you by phone. Its passphrase protects it on this "
                "computer: choose a few words you will remember, and keep them safe.")
        return self.tr(
            "Your signing key signs the update bundles you send to the secretariat. Its "
            "passphrase protects it on this laptop: choose a few words you will remember, "
            "and do not write them down beside the laptop. Then export the public key and "
            "send it to the secretariat to register.")

    # -- state --------------------------------------------------------------------------------

    def _show_state(self, state: KeyState) -> None:
        self.state = state
        if state.existing is not None and not self._central:
            self.setWindowTitle(self.tr("Replace My Signing Key"))
            self.create_button.setText(self.tr("&Replace Key"))
            self.warning.show_message("warning", self.tr(
                "This laptop already has a signing key ({0}). A new key replaces it: bundles "
                "signed with the new key are refused until the secretariat registers it as "
                "the replacement of this one (Rotate). Export the new public key and send it "
                "to them.").format(
                state.existing.fingerprint))
        elif state.existing is not None:
            self.message.show_message("info", self.tr(
                "This record already has a central signing key ({0}).").format(
                state.existing.fingerprint))
            self.create_button.hide()
        self._typed()
        self.first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _edited(self) -> None:
        """A passphrase changed: an error said about the old one goes."""
        self.errors.clear()
        self._typed()

    def _typed(self) -> None:
        """Say how strong the passphrase is while it is typed (errors wait for Create)."""
        state = self.state
        if state is None:
            return
        text = self.first.text()
        self.hint.show()
        if not text:
            self.hint.setText(self.tr("At least %n characters; a few unrelated words are best.",
                                      "", state.minimum))
        else:
            weakness = keys.passphrase_weakness(text, state.minimum, state.personal)
            self.hint.setText(self.tr("Strong enough.") if weakness is None
                              else weakness_text(weakness, state.minimum))
        # A form row does not grow for wrapped text by itself: give the hint the height its
        # lines need at its width, or its two lines are clipped to one.
        width = self.hint.width() if self.hint.width() > 1 else self.first.width()
        self.hint.setMinimumHeight(self.hint.heightForWidth(width))
        self.create_button.setEnabled(not self._busy and self.new_key is None
                                      and bool(text) and bool(self.second.text()))

    # -- create -------------------------------------------------------------------------------

    def problem(self) -> tuple[str, str] | None:
        """The field that is wrong and why, or None when the passphrase may be used."""
        state = self.state
        if state is None:
            return None
        text = self.first.text()
        weakness = keys.passphrase_weakness(text, state.minimum, state.personal)
        if weakness is not None:
            return "passphrase", weakness_text(weakness, state.minimum)
        if self.second.text() != text:
            return "repeat", self.tr("The two passphrases differ. Type the same passphrase "
                                     "in both fields.")
        return None

    def _fit(self) -> None:
        """Grow to show a message that wraps onto more lines whole: a dialog keeps its
        height when a word-wrapped label in it needs more, and clips the label."""
        self._layout.activate()
        layout = self._layout
        needed = (layout.heightForWidth(self.width()) if layout.hasHeightForWidth()
                  else layout.sizeHint().height())
        if needed > self.height():
            self.resize(self.width(), needed)

    def create_key(self) -> None:
        if self._busy or self.state is None or self.new_key is not None:
            return
        problem = self.problem()
        if problem is not None:
            field, message = problem
            self.errors.show(field, message)
            self.hint.hide()  # the error beside the field says it
            self._fit()
            if field == "repeat":
                self.second.selectAll()
            return
        self.errors.clear()
        passphrase = self.first.text().encode("utf-8")
        record, central = self._record, self._central
        self._set_busy(True)
        self.message.show_message("info", self.tr("Creating the key…"))
        self._runner.run(lambda: _create(record, passphrase, central),
                         guarded(self._created), guarded(self._failed))

    def _created(self, new: NewKey) -> None:
        self._set_busy(False)
        self.new_key = new
        self.first.clear()
        self.second.clear()
        log.info("created %s signing key %s", "central" if self._central else "laptop",
                 new.key_id)
        self.created.emit(new)
        if self._central:
            self.accept()
            return
        for field in (self.first, self.second):  # done with: only the result stays
            cell = field.parentWidget()  # the field with its error label (with_error)
            if cell is not None:
                self.form.setRowVisible(cell, False)
        self.intro.hide()
        self.warning.hide()
        self.message.show_message("success", self.tr(
            "Your new signing key is ready. Export its public key and send the file to the "
            "secretariat; when they register it, check this fingerprint with them by phone:"))
        self.fingerprint = fingerprint_label(new.key_id, self)
        self._layout.insertWidget(self._layout.indexOf(self.message) + 1, self.fingerprint)
        self.create_button.hide()
        self.export_button.show()
        self.export_button.setDefault(True)
        self.export_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.close_button.setText(self.tr("Close"))

    def export_public_key(self) -> None:
        """Close, and ask where to save the new public key (over the window below)."""
        owner = self.parentWidget() or self
        self.exporter = PublicKeyExporter(self._runner, self._record, owner)
        self.accept()
        self.exporter.start()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.show_message("error", explain(exc))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        for widget in (self.first, self.second, self.close_button):
            widget.setEnabled(not busy)
        self._typed()

    @property
    def busy(self) -> bool:
        return self._busy

    def reject(self) -> None:
        if not self._busy:  # the key is written whole before the dialog can close
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy:
            event.ignore()
        else:
            super().closeEvent(event)


class FingerprintDialog(QDialog):
    """Where the public key was saved, and its fingerprint to check by phone."""

    def __init__(self, path: Path, own: OwnKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publicKeySaved")
        self.setProperty("help_topic", "signing-key")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Public Key Saved"))
        self._own = own
        saved = QLabel(self.tr("Saved your public key to:\n{0}").format(path), self)
        saved.setObjectName("savedTo")
        saved.setWordWrap(True)
        saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        saved.setAccessibleName(self.tr("Where the public key was saved"))
        saved.setAccessibleDescription(str(path))
        what = QLabel(self.tr(
            "Send this file to the secretariat. Before they register it, they will check its "
            "fingerprint with you by phone: every group must match."), self)
        what.setWordWrap(True)
        self.fingerprint = fingerprint_label(own.key_id, self)
        buttons = QDialogButtonBox(self)
        self.copy_button = buttons.addButton(self.tr("Copy &Fingerprint"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAutoDefault(False)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        for widget in (saved, what, self.fingerprint):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        what.setMinimumWidth(440)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self._own.fingerprint)


def choose_file(parent: QWidget, caption: str, file_filter: str, chosen: Callable[[Path], None],
                *, save_as: Path | None = None, start: Path | None = None) -> QFileDialog:
    """A file dialog, opened without blocking; `chosen(path)` once one is picked. Saving asks
    before replacing a file that exists."""
    dialog = QFileDialog(parent, caption, str(start or documents_location()), file_filter)
    dialog.setObjectName("keyFileDialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if save_as is not None:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(save_as.suffix.lstrip("."))
        dialog.setDirectory(str(save_as.parent))
        dialog.selectFile(save_as.name)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.fileSelected.connect(lambda name: chosen(Path(name)))
    dialog.open()
    return dialog


class PublicKeyExporter(QObject):
    """Exchange → My Signing Key → Export Public Key…: choose where, write it, show the
    fingerprint. With no key yet, offers to create one (`createRequested`)."""

    exported = Signal(object, object)  # Path, OwnKey
    createRequested = Signal()

    def __init__(self, runner: TaskRunner, record: Record, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner, self._record, self._window = runner, record, parent
        self.dialog: QDialog | None = None

    def start(self) -> None:
        record = self._record
        self._runner.run(lambda: keys.own_key(record), guarded(self._ask_where),
                         guarded(self._failed))

    def _ask_where(self, own: OwnKey | None) -> None:
        if own is None:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("No Signing Key"), self.tr(
                "This laptop has no signing key yet. Create one first; then export its "
                "public key for the secretariat."), QMessageBox.StandardButton.Cancel,
                self._window)
            create = box.addButton(self.tr("Create My &Key…"),
                                   QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(create)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            create.clicked.connect(self.createRequested)
            self.dialog = box
            box.open()
            return
        self.dialog = choose_file(
            self._window, self.tr("Export Public Key"),
            self.tr("Public keys (*.pub);;All files (*)"), lambda path: self.write(path, own),
            save_as=documents_location() / own.file_name)

    def write(self, path: Path, own: OwnKey) -> None:
        record = self._record
        self._runner.run(lambda: keys.export_public(record, path),
                         guarded(self._written, path, own), guarded(self._failed))

    def _written(self, path: Path, own: OwnKey, key_id: str) -> None:
        if key_id != own.key_id:  # replaced meanwhile: show the key actually written
            own = OwnKey(key_id, keys.fingerprint(key_id), own.officer, own.agency, False)
        log.info("exported public key %s to %s", key_id, path)
        dialog = FingerprintDialog(path, own, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        self.exported.emit(path, own)

    def _failed(self, exc: BaseException) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Export Public Key"),
                          explain(exc), QMessageBox.StandardButton.Close, self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = box
        box.open()
