"""Whether a database is an officer's laptop copy or the central record."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.store.models import Setting

# Settings only a laptop holds: the central key it pinned and the pack it imported.
_LAPTOP_KEYS = ("pinned_central_key_id", "pack_version")


def is_laptop(session: Session) -> bool:
    """Whether this database is an officer's laptop copy (it imported a pack, or its
    profile says officer), not the central record."""
    found = dict(session.execute(select(Setting.key, Setting.value).where(
        Setting.key.in_((*_LAPTOP_KEYS, "role")))).tuples().all())
    return any(found.get(k, "") not in ("", "0") for k in _LAPTOP_KEYS) or \
        found.get("role") == "officer"
