"""store.audit: each event's hash covers the one before; verify finds any edit."""

from __future__ import annotations

from sqlalchemy import select, update

from nmrf_desktop.services.record import Record
from nmrf_desktop.store import audit
from nmrf_desktop.store.models import AuditEvent


def _three_events(record: Record) -> None:
    with record.unit_of_work() as session:
        audit.append(session, "import", actor="aroha", details={"created": 3})
        audit.append(session, "assign", actor="aroha", entity="agency", entity_id="MOJ",
                     details={"role": "lead", "note": "Māori"})
    with record.unit_of_work() as session:
        audit.append(session, "assign", actor="wiremu", entity="agency", entity_id="MSD")


def test_chain_links_each_event_to_the_one_before(record: Record) -> None:
    _three_events(record)
    with record.reading() as session:
        events = list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())
        assert audit.verify(session) == []
    assert [e.event for e in events] == ["import", "assign", "assign"]
    assert events[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert len({e.hash for e in events}) == 3
    assert events[1].details == '{"note":"Māori","role":"lead"}'


def test_an_empty_log_verifies(record: Record) -> None:
    with record.reading() as session:
        assert audit.verify(session) == []


def test_every_field_is_covered_by_the_hash(record: Record) -> None:
    _three_events(record)
    for column, value in (("actor", "mallory"), ("event", "delete"), ("entity", "x"),
                          ("entity_id", "OT"), ("details", "{}")):
        with record.unit_of_work() as session:
            original = session.execute(select(getattr(AuditEvent, column))
                                       .where(AuditEvent.seq == 2)).scalar_one()
            session.execute(update(AuditEvent).where(AuditEvent.seq == 2)
                            .values({column: value}))
        with record.reading() as session:
            assert audit.verify(session) == [
                "audit event 2: content does not match its hash"], column
        with record.unit_of_work() as session:
            session.execute(update(AuditEvent).where(AuditEvent.seq == 2)
                            .values({column: original}))
    with record.reading() as session:
        assert audit.verify(session) == []


def test_a_rolled_back_unit_of_work_leaves_no_event(record: Record) -> None:
    class Boom(Exception):
        pass

    try:
        with record.unit_of_work() as session:
            audit.append(session, "import", actor="aroha")
            raise Boom
    except Boom:
        pass
    with record.reading() as session:
        assert session.execute(select(AuditEvent)).first() is None
