"""Small reads and checks the desktop workspace needs: profile, actions, evidence, picking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from nmrf_desktop import policy
from nmrf_desktop.domain.entry import ActionRecord, InvalidEntry
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services import browsing
from nmrf_desktop.services.browsing import ListRow
from nmrf_desktop.services.entry import (
    check_evidence_file as check_evidence_file,  # the dialogs check files before saving
)
from nmrf_desktop.services.exchange.agency import AGENCY, effective_agency
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import progress as store_progress
from nmrf_desktop.store.models import Action, ActionLink, Setting

ROLE_OFFICER = "officer"
ROLE_COORDINATOR = "coordinator"


@dataclass(frozen=True, slots=True)
class Profile:
    """Who uses this database: role ("officer" or "coordinator"), agency code, name."""

    role: str = ""
    agency: str = ""
    officer_name: str = ""

    @property
    def is_set(self) -> bool:
        return bool(self.role and self.officer_name)

    @property
    def is_coordinator(self) -> bool:
        return self.role == ROLE_COORDINATOR


def load_profile(record: Record) -> Profile:
    """Who uses this database. An officer's agency (and one not yet chosen) is the laptop's:
    the organisation's policy's when it sets one, whatever the database stores."""
    with record.reading() as session:
        found: dict[str, str] = {key: value for key, value in session.execute(
            select(Setting.key, Setting.value).where(
                Setting.key.in_(("role", AGENCY, "officer_name"))))}
    role, stored = found.get("role", ""), found.get(AGENCY, "")
    agency = stored if role == ROLE_COORDINATOR else effective_agency(record, stored) or ""
    return Profile(role=role, agency=agency, officer_name=found.get("officer_name", ""))


def save_profile(record: Record, profile: Profile) -> Profile:
    """Store the role, agency and name in the database's settings (one transaction).

    An officer's agency must be the one the organisation's policy sets, if it sets one.
    """
    if profile.role not in (ROLE_OFFICER, ROLE_COORDINATOR):
        raise InvalidEntry("role", "Choose a role: agency officer or coordinator.")
    if not profile.officer_name.strip():
        raise InvalidEntry("officer_name", "Enter your name.")
    if len(profile.officer_name.strip()) > 200:
        raise InvalidEntry("officer_name", "The name is longer than 200 characters.")
    if profile.role == ROLE_OFFICER and not profile.agency:
        raise InvalidEntry("agency", "Choose your agency.")
    refusal = policy.agency_refusal(profile.agency) if profile.role == ROLE_OFFICER else None
    if refusal:  # the organisation's policy decides this laptop's agency
        raise InvalidEntry("agency", refusal)
    with record.unit_of_work() as session:
        for key, value in (("role", profile.role), (AGENCY, profile.agency),
                           ("officer_name", profile.officer_name.strip())):
            session.merge(Setting(key=key, value=value))
    return load_profile(record)


def get_action(record: Record, action_id: str) -> ActionRecord | None:
    """One action with its links, or None when it is not in the record."""
    with record.reading() as session:
        row = session.get(Action, action_id)
        if row is None:
            return None
        links = tuple(session.execute(select(ActionLink.recommendation_id).where(
            ActionLink.action_id == action_id).order_by(ActionLink.recommendation_id)).scalars())
        return ActionRecord(
            id=row.id, agency=row.agency_code, title=row.title, description=row.description,
            kind=row.kind, status=row.status, start_date=row.start_date,
            target_date=row.target_date, completed_date=row.completed_date,
            is_public=row.is_public, version=row.version, recommendation_ids=links)


def status_without(record: Record, recommendation_id: str, update_id: str) -> str:
    """The status the history would show without one update (not started when none)."""
    with record.reading() as session:
        return store_progress.status_without(session, recommendation_id, update_id)


def pick_candidates(record: Record, text: str, limit: int = 50) -> list[ListRow]:
    """Recommendations matching a typed query, best first, for the action dialog's picker."""
    listing = browsing.list_ids(record, Filters(text=text.strip()))
    return browsing.list_rows(record, listing.ids[:limit])


def rows_for(record: Record, ids: list[str]) -> list[ListRow]:
    return browsing.list_rows(record, ids)


def today() -> dt.date:
    return dt.date.today()
