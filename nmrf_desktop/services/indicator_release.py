"""Releasing an indicator's Māori data for public outputs (or withdrawing that release).

Māori data is never published unless its holders released it: the coordinator records that
decision here, on the central record, as one audited transaction. Public outputs read the
flag through services.indicators.is_public.
"""

from __future__ import annotations

import logging

from nmrf_desktop.domain.indicators import IndicatorRecord
from nmrf_desktop.services.indicators import IndicatorRefused, get_indicator
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, indicators as store
from nmrf_desktop.store.laptop import is_laptop

log = logging.getLogger(__name__)


def set_release(record: Record, code: str, release: bool, *, reason: str = ""
                ) -> IndicatorRecord:
    """Record that the indicator's data may (or may no longer) appear in public outputs.

    Refused, with nothing changed, on a laptop copy, for an unknown code, and for an
    indicator that is not Māori data (its data is public already)."""
    actor = record.actor()
    with record.unit_of_work("the release was not recorded") as session:
        if is_laptop(session):
            raise IndicatorRefused("this is a laptop copy: only the coordinator, on the "
                                   "central record, releases Māori data; nothing was changed")
        row = store.by_code(session, code.strip())
        if row is None:
            raise IndicatorRefused(f"no indicator with the code {code.strip()!r}")
        if not row.maori_data:
            raise IndicatorRefused(f"{row.code} is not Māori data: its values are public "
                                   "already; nothing was changed")
        if row.release_public != release:
            row.release_public = release
            audit.append(session, "indicator.release", actor=actor, entity="indicator",
                         entity_id=row.id, details={"code": row.code, "release": release,
                                                    "governance": row.governance,
                                                    "reason": reason})
        found = row.code
    log.info("indicator %s: Māori data %s", found,
             "released for public outputs" if release else "withheld from public outputs")
    return get_indicator(record, found)
