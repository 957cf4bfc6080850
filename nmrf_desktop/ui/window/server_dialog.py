"""File > Open Central Record on a Server…: a PostgreSQL URL and, if needed, a password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services import locations
from nmrf_desktop.services.locations import AddressProblem

PLACEHOLDER = "postgresql://user@host/database"


def server_url(text: str, password: str = "") -> tuple[str | None, str]:
    """(the URL to open, or None; why not, in words). The password goes into the URL only."""
    url, problem = locations.server_url(text, password)
    # tr called on the class (context "ServerDialog"); the stubs know only the method.
    if problem is AddressProblem.NOT_AN_ADDRESS:
        return None, ServerDialog.tr(  # type: ignore[call-arg]
            "Not a database address: write it as {0}").format(PLACEHOLDER)  # type: ignore[arg-type]
    if problem is AddressProblem.NOT_POSTGRESQL:
        return None, ServerDialog.tr(  # type: ignore[call-arg]
            "A central record on a server is a postgresql:// address")  # type: ignore[arg-type]
    if problem is AddressProblem.INCOMPLETE:
        return None, ServerDialog.tr(  # type: ignore[call-arg]
            "Name the server and the database: {0}").format(PLACEHOLDER)  # type: ignore[arg-type]
    return url, ""


class ServerDialog(QDialog):
    """Asks where the shared central record is; the password is never stored."""

    def __init__(self, parent: QWidget | None = None, last: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open Central Record on a Server"))
        self.address = QLineEdit(last)
        self.address.setPlaceholderText(PLACEHOLDER)
        self.address.setAccessibleName(self.tr("Server address"))
        # Room for a whole address such as postgresql://coordinator@db.agency.govt.nz/nmrf.
        self.address.setMinimumWidth(self.fontMetrics().horizontalAdvance("m" * 44))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setPlaceholderText(self.tr("leave empty to use the system's (.pgpass)"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(self.tr("What is wrong with the address"))
        note = QLabel(self.tr("The secretariat's shared record on PostgreSQL. The password is "
                              "used for this session only and never saved."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Address:"), self.address)
        form.addRow(self.tr("&Password:"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.address.textChanged.connect(self._check)
        self._check()

    def url(self) -> str | None:
        return server_url(self.address.text(), self.password.text())[0]

    def _check(self) -> None:
        url, why = server_url(self.address.text())
        self.problem.setText(why)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(url is not None)
