"""What to tell a person when an exchange job is refused: service errors in plain words."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from nmrf_desktop.bundles.pack_file import PackRejected
from nmrf_desktop.services.exchange.bundle_export import ExportRefused, NothingToSend
from nmrf_desktop.services.exchange.conflicts import ResolveRefused
from nmrf_desktop.services.exchange.keys import KeyRefused

log = logging.getLogger(__name__)

_T = QCoreApplication.translate


def is_wrong_passphrase(exc: BaseException) -> bool:
    return isinstance(exc, KeyRefused) and "wrong passphrase" in str(exc)


def explain(exc: BaseException) -> str:
    """A message for the person at the keyboard; unexpected errors are logged in full."""
    if is_wrong_passphrase(exc):
        return _T("Exchange", "That passphrase does not unlock the signing key. Check it "
                  "and try again (the key file may also be damaged). Nothing was written.")
    if isinstance(exc, NothingToSend):
        return _T("Exchange", "There are no unsent changes: everything recorded on this "
                  "laptop is already in a bundle.")
    if isinstance(exc, ExportRefused) and "no agency" in str(exc):
        return _T("Exchange", "This laptop does not work for an agency yet. Import your "
                  "agency's pack from the secretariat first (Import pack…).")
    if isinstance(exc, PackRejected):
        return _T("Exchange", "This pack was refused and nothing changed:\n{0}").format(exc)
    if isinstance(exc, KeyRefused | ExportRefused | ResolveRefused):
        return str(exc)[:1].upper() + str(exc)[1:]
    if isinstance(exc, OSError):
        return _T("Exchange", "A file could not be read or written: {0}").format(
            exc.strerror or exc)
    log.error("exchange job failed", exc_info=exc)
    return _T("Exchange", "Something went wrong: {0}").format(str(exc) or type(exc).__name__)
