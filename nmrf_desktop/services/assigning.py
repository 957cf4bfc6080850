"""Assigning recommendations to agencies, one by one, in bulk, or by Annex II defaults."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from nmrf_desktop.domain.enums import AssignmentRole
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit, search
from nmrf_desktop.store.models import Agency, Assignment, BodyLead, Recommendation, new_id, utcnow


class UnknownAgency(ValueError):
    pass


def _assign_ids(session: Session, agency: str, role: str, ids: Sequence[str]
                ) -> tuple[int, int]:
    """Create or re-role assignments; returns (created, changed).

    Assignments belong to the central record: they reach laptops in packs and are never
    part of an officer's bundle, so they are not written to the change log.
    """
    current = {
        rid: (aid, r, active) for aid, rid, r, active in session.execute(
            select(Assignment.id, Assignment.recommendation_id, Assignment.role,
                   Assignment.active).where(Assignment.agency_code == agency))
    }
    created = changed = 0
    now = utcnow()
    new_rows = []
    for rid in ids:
        found = current.get(rid)
        if found is None:
            new_rows.append({"id": new_id(), "recommendation_id": rid, "agency_code": agency,
                             "role": role, "active": True, "version": 1, "created_at": now,
                             "updated_at": now})
            created += 1
        elif found[1] != role or not found[2]:
            row = session.get(Assignment, found[0])
            assert row is not None
            row.role, row.active = role, True
            changed += 1
    if new_rows:
        session.execute(Assignment.__table__.insert(), new_rows)
    return created, changed


def assign(record: Record, agency: str, role: AssignmentRole, filters: Filters | None = None,
           ids: Sequence[str] | None = None) -> dict[str, int]:
    """Assign the recommendations matching `filters` (or the given ids) to one agency."""
    actor = record.actor()
    with record.unit_of_work() as session:
        if session.get(Agency, agency) is None:
            raise UnknownAgency(f"unknown agency code {agency!r}")
        if ids is None:
            ids = search.search_ids(session, filters or Filters())
        created, changed = _assign_ids(session, agency, role.value, ids)
        audit.append(session, "assign", actor=actor, entity="agency", entity_id=agency,
                     details={"role": role.value, "matched": len(ids), "created": created,
                              "changed": changed})
    return {"matched": len(ids), "created": created, "changed": changed}


def assign_lead_defaults(record: Record) -> dict[str, int]:
    """Give every recommendation to its body's lead agency (Cabinet paper, Annex II)."""
    actor = record.actor()
    totals = {"matched": 0, "created": 0, "changed": 0}
    with record.unit_of_work() as session:
        leads = session.execute(select(BodyLead.body, BodyLead.agency_code)).all()
        for body, agency in leads:
            ids = list(session.execute(
                select(Recommendation.id).where(Recommendation.body == body)).scalars())
            # An agency already contributing to one of these becomes its lead.
            created, changed = _assign_ids(session, agency, AssignmentRole.LEAD.value, ids)
            totals["matched"] += len(ids)
            totals["created"] += created
            totals["changed"] += changed
        audit.append(session, "assign-lead-defaults", actor=actor, details=totals)
    return totals


def flag(record: Record, ids: Sequence[str], *, te_tiriti: bool | None = None,
         withdrawn: bool | None = None) -> int:
    """Coordinator flags: Te Tiriti relevance, withdrawn. Returns rows changed."""
    values: dict[str, bool] = {}
    if te_tiriti is not None:
        values["te_tiriti"] = te_tiriti
    if withdrawn is not None:
        values["withdrawn"] = withdrawn
    if not values or not ids:
        return 0
    actor = record.actor()
    changed = 0
    with record.unit_of_work() as session:
        for rec in session.execute(select(Recommendation).where(
                Recommendation.id.in_(list(ids)))).scalars():
            if any(getattr(rec, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(rec, key, value)
                changed += 1
        audit.append(session, "flag", actor=actor, entity="recommendation",
                     details=values | {"count": changed})
    return changed
