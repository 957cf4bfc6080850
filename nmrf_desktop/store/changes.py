"""The local change log: one row per edit, with its base version, for update bundles."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from nmrf_desktop.store.models import Change


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def record_change(session: Session, entity: str, entity_id: str, op: str,
                  fields: dict[str, Any], base_version: int | None,
                  officer_id: str | None = None) -> Change:
    """Append one change; never commits (the caller's transaction decides)."""
    row = Change(entity=entity, entity_id=entity_id, op=op,
                 fields=json.dumps({k: _plain(v) for k, v in fields.items()},
                                   ensure_ascii=False, sort_keys=True),
                 base_version=base_version, officer_id=officer_id)
    session.add(row)
    return row
