"""What to tell a person about exchange work: refusals in plain words, inbox remedies."""

from __future__ import annotations

import logging
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from nmrf_desktop.bundles.pack_file import PackRejected
from nmrf_desktop.services.exchange.bundle_export import ExportRefused, NothingToSend
from nmrf_desktop.services.exchange.conflicts import ResolveRefused
from nmrf_desktop.services.exchange.inbox import InboxRow
from nmrf_desktop.services.exchange.keys import KeyRefused
from nmrf_desktop.services.exchange.rejections import Kind
from nmrf_desktop.ui.exchange.table_model import display

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


# What to do about each kind of refusal: menu paths, never command lines.
# Translated when shown (remedy); QT_TRANSLATE_NOOP lets lupdate collect them, and
# returns its text unchanged (the stubs only say `object`).
_REMEDIES = cast(dict[Kind, str], {
    Kind.UNKNOWN_KEY: QT_TRANSLATE_NOOP(
        "Inbox", "Register this officer's key: Exchange → Signing Keys → Register from "
        "File… (with the public key file the officer sends you; compare its fingerprint "
        "with them by phone), then import this bundle again."),
    Kind.REVOKED_KEY: QT_TRANSLATE_NOOP(
        "Inbox", "This officer's key was revoked. Ask the officer to create a new key "
        "(Exchange → My Signing Key → Create…) and send you its public key; register it "
        "(Exchange → Signing Keys → Register from File…), then ask for a new bundle."),
    Kind.KEY_NOT_VALID: QT_TRANSLATE_NOOP(
        "Inbox", "The key is registered but not valid today (expired, not yet valid, or "
        "not an officer's key): check it in Exchange → Signing Keys. If it expired, ask the "
        "officer for a new key, register it, then ask for a new bundle."),
    Kind.WRONG_AGENCY: QT_TRANSLATE_NOOP(
        "Inbox", "The key is registered to another agency than the bundle names. If the "
        "officer moved agency, register a key for the new agency (Exchange → Signing Keys "
        "→ Register from File…) and ask for a new bundle; if not, treat the file as suspect."),
    Kind.WRONG_OFFICER: QT_TRANSLATE_NOOP(
        "Inbox", "The bundle names another officer than the one its key is registered to. "
        "If it is the same person under another spelling, ask the officer to use the name "
        "the key is registered under (Exchange → Signing Keys…) and send a new bundle; if "
        "not, treat the file as suspect."),
    Kind.UNKNOWN_PACK: QT_TRANSLATE_NOOP(
        "Inbox", "The bundle was not made against a pack this central record issued to the "
        "agency (another secretariat's pack, or none). Send the agency a fresh pack "
        "(Exchange → Export Packs…); once the officer has imported it, ask for a new "
        "bundle."),
    Kind.NOT_A_BUNDLE: QT_TRANSLATE_NOOP(
        "Inbox", "This file is not an update bundle (a pack, perhaps: packs are imported "
        "on officers' laptops). Ask the officer for their .nmrfbundle file."),
    Kind.ALTERED: QT_TRANSLATE_NOOP(
        "Inbox", "The file changed after it was signed: damaged on the way, or tampered "
        "with. Ask the officer to send it again (Exchange → Sent Bundles… → Save Again…); "
        "if a fresh copy fails too, stop trusting the way it travels."),
    Kind.BAD_ARCHIVE: QT_TRANSLATE_NOOP(
        "Inbox", "The file is damaged, cut short, or not a safe bundle archive. Ask the "
        "officer for the file again."),
    Kind.UNREADABLE: QT_TRANSLATE_NOOP(
        "Inbox", "The file could not be read here. Copy it again and import the copy."),
    Kind.MALFORMED: QT_TRANSLATE_NOOP(
        "Inbox", "The bundle's signed contents are malformed. Ask the officer for the file "
        "again; if it fails again, their copy of NMRF Desktop may be damaged."),
    Kind.NEWER_FORMAT: QT_TRANSLATE_NOOP(
        "Inbox", "A newer NMRF Desktop made this bundle. Update NMRF Desktop here, then "
        "import it again."),
    Kind.OLD_SEQUENCE: QT_TRANSLATE_NOOP(
        "Inbox", "Nothing to import: this officer's later bundles are merged already (a "
        "replay, or a laptop restored from an old backup). If the laptop was restored, ask "
        "the officer to check the work they recorded since."),
    Kind.SAME_ID: QT_TRANSLATE_NOOP(
        "Inbox", "Another bundle with this id was merged before: this copy was rebuilt or "
        "tampered with. Keep the merged one and ask the officer what they sent."),
    Kind.FORK: QT_TRANSLATE_NOOP(
        "Inbox", "Two different bundles claim the same place in this officer's sequence (a "
        "copied or restored laptop). Ask the officer which one is current: only one can "
        "be merged."),
    Kind.UNAUTHORIZED: QT_TRANSLATE_NOOP(
        "Inbox", "A change is for a recommendation, record or indicator this agency may not "
        "change (the reason names it). If the agency should work on a recommendation, "
        "assign it (Coordinator → Assign to Agency…), then import this bundle again. An "
        "indicator's values are accepted only from its steward agency."),
    Kind.UNRESOLVED: QT_TRANSLATE_NOOP(
        "Inbox", "A change refers to an evidence file or an action that neither this "
        "bundle nor the agency's merged records hold. Ask the officer to send the bundle "
        "again (Exchange → Sent Bundles… → Save Again…); if it fails again, treat the file "
        "as suspect."),
    Kind.BAD_CHANGE: QT_TRANSLATE_NOOP(
        "Inbox", "A change failed the checks (a missing or wrongly typed field). Ask the "
        "officer to correct it and send a new bundle."),
    Kind.OTHER: QT_TRANSLATE_NOOP("Inbox", "Ask the officer for the file again."),
})


def remedy(row: InboxRow) -> str:
    """What the coordinator can do about a rejected or held bundle ("" for the others)."""
    if row.settled is not None:
        return _T("Inbox", "Nothing to do: merged later as bundle {0} of {1}, on {2}.").format(
            row.settled.sequence, row.settled.agency, display(row.settled.merged_at))
    if row.status == "held":
        if row.waiting_for is None:
            return _T("Inbox", "Held until the missing bundle from this officer arrives; "
                      "then both merge.")
        return _T("Inbox", "Held until bundle {0} from this officer arrives; then both "
                  "merge. If it never comes, ask the officer to save bundle {0} again "
                  "(Exchange → Sent Bundles…).").format(row.waiting_for)
    return kind_remedy(row.kind) if row.status == "rejected" else ""


def kind_remedy(kind: str | None) -> str:
    """What to do about a bundle rejected for this kind of reason (rejections.Kind)."""
    try:
        known = Kind(kind or Kind.OTHER)
    except ValueError:
        known = Kind.OTHER
    return _T("Inbox", _REMEDIES.get(known, _REMEDIES[Kind.OTHER]))


def unverified_note() -> str:
    return _T("Inbox", "Named in the bundle, not verified: its signature did not check out.")
