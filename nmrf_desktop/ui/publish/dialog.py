"""The Publish Public Site dialog: the folder, base URL and language, checked, published on
the worker with progress and Cancel, then the counts and a way to open what was written."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.site import PublishError, PublishRequest, PublishResult, publish
from nmrf_desktop.ui.exchange.common import (
    JobProgress,
    MessageStrip,
    ProgressPoller,
    busy_bar,
    guarded,
)
from nmrf_desktop.ui.exchange.file_field import PathField, PathMode
from nmrf_desktop.ui.field_errors import FieldErrors, error_label, with_error
from nmrf_desktop.ui.publish import choices
from nmrf_desktop.ui.publish.folder import folder_problem
from nmrf_desktop.ui.publish.messages import explain, stage_text, summary
from nmrf_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
# Fields a PublishError (its .field) is shown beside.
FIELDS = ("out", "base_url", "lang")


def open_url(url: QUrl) -> bool:
    """Show a folder or page in the system's file manager or browser (replaced in tests)."""
    return QDesktopServices.openUrl(url)


class PublishDialog(QDialog):
    """Where the site goes (folder), where it will be served (base URL), in which language."""

    def __init__(self, runner: TaskRunner, record: Record,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner, self._record = runner, record
        self._progress: JobProgress | None = None
        self.published: PublishResult | None = None
        self.setObjectName("publishSiteDialog")
        self.setProperty("help_topic", "publish-site")  # F1 opens the guide there
        self.setWindowTitle(self.tr("Publish Public Site"))
        self._build()
        remembered = choices.remembered()
        self.out.set_path(remembered.folder)
        self.base_url.setText(remembered.base_url)
        self.lang.setCurrentIndex(max(self.lang.findData(remembered.lang), 0))

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.out = PathField(PathMode.FOLDER, self.tr("Folder for the site"), "", self)
        self.out.setObjectName("siteFolder")
        self.base_url = QLineEdit(self)
        self.base_url.setObjectName("siteBaseUrl")
        self.base_url.setPlaceholderText("https://www.example.govt.nz/monitor/")
        self.base_url.setAccessibleName(self.tr("Base URL"))
        self.base_url.setClearButtonEnabled(True)
        self.lang = QComboBox(self)
        self.lang.setObjectName("siteLanguage")
        self.lang.setAccessibleName(self.tr("Language of the site's headings and menus"))
        self.lang.addItem(self.tr("English"), "en")
        self.lang.addItem("te reo Māori", "mi")
        self.errors = FieldErrors(error_label(self, "general"))
        cells = {}
        for name, widget in (("out", self.out), ("base_url", self.base_url),
                             ("lang", self.lang)):
            label = error_label(self, name)
            self.errors.add(name, label, widget)
            cells[name] = cell = with_error(widget, label)
            cell.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for text, name, widget in ((self.tr("&Folder:"), "out", self.out),
                                   (self.tr("&Base URL:"), "base_url", self.base_url),
                                   (self.tr("&Language:"), "lang", self.lang)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, cells[name])
        self.scope = QLabel(self.tr(
            "Only what may be published goes on the site: published actions and progress, "
            "released indicators, public evidence. Publishing again into the same folder "
            "rewrites only the pages that changed. The base URL is optional: the address the "
            "site will be served from, for each page's canonical address and the sitemap."), self)
        self.scope.setWordWrap(True)
        self.message = MessageStrip(self)
        self.progress = busy_bar(self)
        self._poller = ProgressPoller(self.progress)
        self._stage = QTimer(self)
        self._stage.setInterval(ProgressPoller.INTERVAL_MS)
        self._stage.timeout.connect(self._show_stage)
        self.buttons = QDialogButtonBox(self)
        self.go = self.buttons.addButton(self.tr("&Publish"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_folder = self.buttons.addButton(self.tr("Open &Folder"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.open_home = self.buttons.addButton(self.tr("Open &Home Page"),
                                                QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.open_folder, self.open_home):
            button.hide()
        self.go.setDefault(True)
        self.go.clicked.connect(self.start_job)
        self.open_folder.clicked.connect(self.show_folder)
        self.open_home.clicked.connect(self.show_home_page)
        self.close_button.clicked.connect(self.reject)
        self.out.changed.connect(self.errors.clear)
        self.base_url.textEdited.connect(lambda _t: self.errors.clear())
        layout = QVBoxLayout(self)
        layout.addWidget(self.scope)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)

    # -- what is asked for --------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._progress is not None

    def request(self) -> PublishRequest | None:
        """The publish asked for, or None (the problem shown beside its field)."""
        self.errors.clear()
        out = self.out.path()
        problem = folder_problem(out)
        if out is None or problem:
            self._problem("out", problem)
            return None
        return PublishRequest(out=out, base_url=self.base_url.text().strip(),
                              lang=str(self.lang.currentData()))

    def _problem(self, field: str, text: str) -> None:
        self.errors.show(field, text)
        QTimer.singleShot(0, self._make_room)

    def _make_room(self) -> None:
        layout = self.layout()
        if layout is None:
            return
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    # -- publishing -----------------------------------------------------------------------

    def start_job(self) -> None:
        if self.busy:
            return
        request = self.request()
        if request is None:
            return
        progress = JobProgress()
        self._progress = progress
        self._poller.watch(progress, 0)
        self._stage.start()
        self.message.show_message("info", self.tr("Publishing into {0}…").format(request.out))
        self.go.setEnabled(False)
        for widget in (self.out, self.base_url, self.lang):
            widget.setEnabled(False)
        self.close_button.setText(self.tr("Cancel"))
        record = self._record
        self._runner.run(lambda: publish(record, request, progress),
                         guarded(self._done, request), guarded(self._failed))

    def _show_stage(self) -> None:
        """The stage on the bar ("Writing the site 40%"); a busy bar while it has no total."""
        job = self._progress
        if job is None:
            return
        _done, total = job.snapshot()
        stage = stage_text(job.label)
        if total == 0:
            self.progress.setRange(0, 0)
        self.progress.setFormat(f"{stage} %p%" if stage and total else stage or "%p%")

    def _finish(self) -> None:
        self._progress = None
        self._stage.stop()
        self._poller.stop()
        self.close_button.setEnabled(True)
        for widget in (self.out, self.base_url, self.lang):
            widget.setEnabled(True)

    def _done(self, request: PublishRequest, result: PublishResult) -> None:
        self._finish()
        self.published = result
        choices.remember(request)
        log.info("published the site into %s: %d pages", result.folder, result.pages)
        self.message.show_message("success", summary(result))
        self.close_button.setText(self.tr("Close"))
        self.go.hide()
        for button in (self.open_folder, self.open_home):
            button.show()
        self.open_home.setDefault(True)
        self.open_home.setFocus()
        QTimer.singleShot(0, self._make_room)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.go.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.message.show_message("warning", self.tr(
                "Cancelled: publishing stopped before it finished."))
        elif isinstance(exc, PublishError) and exc.field in FIELDS:
            self.message.clear_message()
            self._problem(exc.field, explain(exc))
        else:
            self.message.show_message("error", explain(exc))
            QTimer.singleShot(0, self._make_room)

    # -- what was written -----------------------------------------------------------------

    def home_page(self) -> Path | None:
        return None if self.published is None else self.published.folder / "index.html"

    def show_folder(self) -> None:
        if self.published is not None:
            open_url(QUrl.fromLocalFile(str(self.published.folder)))

    def show_home_page(self) -> None:
        page = self.home_page()
        if page is not None:
            open_url(QUrl.fromLocalFile(str(page)))

    # -- closing ------------------------------------------------------------------------

    def reject(self) -> None:
        if self._progress is not None:
            self._progress.cancel()  # the job stops at its next step
            self.close_button.setEnabled(False)
            self.message.show_message("info", self.tr("Cancelling…"))
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._progress is not None:
            self.reject()
            event.ignore()
        else:
            super().closeEvent(event)
