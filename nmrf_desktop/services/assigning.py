"""Assigning recommendations to agencies, one by one, in bulk, or by Annex II defaults."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.enums import AssignmentRole
from ..domain.records import Filters
from ..store import audit, search
from ..store.models import Agency, Assignment, BodyLead, Change, Recommendation, new_id, utcnow
from .record import Record


class UnknownAgency(ValueError):
    pass


def _assign_ids(session: Session, agency: str, role: str, ids: Sequence[str],
                officer: str) -> tuple[int, int]:
    """Create or re-role assignments; returns (created, changed)."""
    current = {
        rid: (aid, r, active) for aid, rid, r, active in session.execute(
            select(Assignment.id, Assignment.recommendation_id, Assignment.role,
                   Assignment.active).where(Assignment.agency_code == agency))
    }
    created = changed = 0
    now = utcnow()
    new_rows = []
    changes = []
    for rid in ids:
        found = current.get(rid)
        if found is None:
            aid = new_id()
            new_rows.append({"id": aid, "recommendation_id": rid, "agency_code": agency,
                             "role": role, "active": True, "version": 1, "created_at": now,
                             "updated_at": now})
            changes.append({"change_id": new_id(), "entity": "assignment", "entity_id": aid,
                            "op": "insert", "fields": json.dumps(
                                {"recommendation_id": rid, "agency_code": agency, "role": role}),
                            "base_version": None, "officer_id": officer, "created_at": now})
            created += 1
        elif found[1] != role or not found[2]:
            row = session.get(Assignment, found[0])
            assert row is not None
            base = row.version
            row.role, row.active = role, True
            changes.append({"change_id": new_id(), "entity": "assignment", "entity_id": row.id,
                            "op": "update", "fields": json.dumps({"role": role, "active": True}),
                            "base_version": base, "officer_id": officer, "created_at": now})
            changed += 1
    if new_rows:
        session.execute(Assignment.__table__.insert(), new_rows)
    if changes:
        session.execute(Change.__table__.insert(), changes)
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
        created, changed = _assign_ids(session, agency, role.value, ids, actor)
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
            created, changed = _assign_ids(session, agency, AssignmentRole.LEAD.value, ids,
                                           actor)
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
