"""The agency this laptop works for: the organisation's policy's, else the database's own."""

# The database stores an agency (setting "agency", written by "Your Role and Name" and by
# each pack imported). When the policy sets one, the policy's is the laptop's agency
# everywhere: bundles, dialogs, the status bar, command defaults. A database whose stored
# agency differs (it predates the policy, or was set up for another agency) holds that
# agency's pack and changes: a warning says so once, and no bundle is exported from it
# until the policy's agency's pack is imported (`export_refusal`).

from __future__ import annotations

import logging

from nmrf_desktop import policy
from nmrf_desktop.services.record import Record
from nmrf_desktop.settings import AGENCY as AGENCY_OPTION

log = logging.getLogger(__name__)

AGENCY = AGENCY_OPTION.key  # the database setting holding the stored agency code

_warned: set[tuple[str, str, str]] = set()


def laptop_agency(record: Record) -> str | None:
    """The policy's agency when it sets one, else the one stored in the database; None
    when neither is set."""
    return effective_agency(record, record.setting(AGENCY))


def effective_agency(record: Record, stored: str) -> str | None:
    """`laptop_agency` when the stored agency has already been read (`stored`, "" = none)."""
    locked = policy.locked_agency()
    if locked is None:
        return stored or None
    if stored and stored != locked:
        _warn_once(record, stored, locked)
    return locked


def export_refusal(record: Record) -> str | None:
    """Why no bundle may be exported from this database under the policy, or None: it was
    set up for another agency than the one the policy sets (its changes are that agency's)."""
    locked = policy.locked_agency()
    stored = record.setting(AGENCY)
    if locked is None or not stored or stored == locked:
        return None
    _warn_once(record, stored, locked)
    return (f"this database was set up for agency {stored}, but your organisation has set "
            f"this laptop's agency to {locked}; nothing was exported: import {locked}'s pack "
            "first")


def _warn_once(record: Record, stored: str, locked: str) -> None:
    key = (record.location, stored, locked)
    if key in _warned:
        return
    _warned.add(key)
    log.warning("the database %s stores agency %s, but the organisation's policy sets this "
                "laptop's agency to %s: %s applies, and no bundle is exported until %s's pack "
                "is imported", record.location, stored, locked, locked, locked)
