"""The reporting calendar: entries, validation, coverage, the 3/6/12-month windows, CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from nmrf_desktop.cli import main as cli
from nmrf_desktop.services.calendar import (
    CalendarDraft,
    InvalidCalendarEntry,
    add_entry,
    covered,
    delete_entry,
    due_counts,
    get_entry,
    list_entries,
    months_after,
    update_entry,
)
from nmrf_desktop.services.catalog import check
from nmrf_desktop.services.record import Record
from nmrf_desktop.store.models import AuditEvent

TODAY = dt.date(2026, 1, 31)


def _events(record: Record) -> list[tuple[str, str]]:
    with record.reading() as session:
        return [(e.event, e.entity_id) for e in session.execute(
            select(AuditEvent).where(AuditEvent.event.startswith("calendar."))
            .order_by(AuditEvent.seq)).scalars()]


def test_add_by_reference_and_by_body_and_cycle(nz_record: Record) -> None:
    by_ref = add_entry(nz_record, CalendarDraft(
        "upr", "upr-mid-term", dt.date(2026, 6, 30), "Mid-term report, cycle 2",
        references=("NZL-UPR18-001", "NZL-UPR18-002", "NZL-UPR18-001")))
    assert by_ref.body == "UPR"  # the canonical code, whatever the case typed
    assert by_ref.references == ("NZL-UPR18-001", "NZL-UPR18-002")
    assert by_ref.covered == 2
    whole = add_entry(nz_record, CalendarDraft("UPR", "periodic-report", dt.date(2029, 1, 1),
                                               covers_all=True, cycle=1))
    assert (whole.covered, whole.references) == (73, ())
    both = add_entry(nz_record, CalendarDraft("UPR", "follow-up", dt.date(2027, 1, 1),
                                              references=("NZL-UPR18-001",),
                                              covers_all=True, cycle=1))
    assert both.covered == 74
    refs = [c.reference for c in covered(nz_record, by_ref.id)]
    assert refs == ["NZL-UPR18-001", "NZL-UPR18-002"]
    assert len(covered(nz_record, whole.id, limit=None)) == 73
    assert [e for e, _ in _events(nz_record)] == ["calendar.add"] * 3
    assert check(nz_record) == []  # audit chain intact


def test_update_and_delete_are_audited(nz_record: Record) -> None:
    item = add_entry(nz_record, CalendarDraft("UPR", "upr-mid-term", dt.date(2026, 6, 30),
                                              references=("NZL-UPR18-001",)))
    changed = update_entry(nz_record, item.id, CalendarDraft(
        "UPR", "upr-mid-term", dt.date(2026, 9, 30), "Mid-term",
        references=("NZL-UPR18-003",)), item.version)
    assert changed.due_on == dt.date(2026, 9, 30) and changed.version == item.version + 1
    assert changed.references == ("NZL-UPR18-003",)
    with pytest.raises(InvalidCalendarEntry, match="changed this calendar entry"):
        update_entry(nz_record, item.id, CalendarDraft("UPR", "upr-mid-term",
                                                       dt.date(2026, 1, 1)), item.version)
    with nz_record.reading() as session:
        details = json.loads(session.execute(select(AuditEvent.details).where(
            AuditEvent.event == "calendar.update")).scalar_one())
    assert details["due_on"] == {"from": "2026-06-30", "to": "2026-09-30"}
    assert details["references"] == {"from": ["NZL-UPR18-001"], "to": ["NZL-UPR18-003"]}
    assert "kind" not in details
    delete_entry(nz_record, item.id[:8])
    assert get_entry(nz_record, item.id) is None
    assert [e for e, _ in _events(nz_record)] == ["calendar.add", "calendar.update",
                                                  "calendar.delete"]
    assert check(nz_record) == []


@pytest.mark.parametrize(("draft", "field", "message"), [
    (CalendarDraft("UPR", "periodic-report", None), "due_on", "A due date is required."),
    (CalendarDraft("XYZ", "follow-up", dt.date(2026, 1, 1)), "body", "Unknown body 'XYZ'"),
    (CalendarDraft("", "follow-up", dt.date(2026, 1, 1)), "body", "Choose the body"),
    (CalendarDraft("UPR", "annual", dt.date(2026, 1, 1)), "kind", "Unknown kind 'annual'"),
    (CalendarDraft("CRC", "upr-mid-term", dt.date(2026, 1, 1)), "kind",
     "belongs to the UPR, not CRC"),
    (CalendarDraft("UPR", "list-of-issues", dt.date(2026, 1, 1)), "kind", "no list of issues"),
    (CalendarDraft("UPR", "follow-up", dt.date(2026, 1, 1),
                   references=("NZL-UPR18-001", "NZL-NOPE-9", "BAD")), "references",
     "No recommendation with the references NZL-NOPE-9, BAD."),
    (CalendarDraft("CRC", "follow-up", dt.date(2026, 1, 1), references=("NZL-UPR18-001",)),
     "references", "Not CRC recommendations: NZL-UPR18-001 (UPR)."),
    (CalendarDraft("UPR", "follow-up", dt.date(2026, 1, 1), covers_all=True, cycle=9),
     "cycle", "no UPR recommendations of cycle 9"),
    (CalendarDraft("UPR", "follow-up", dt.date(2026, 1, 1), title="x" * 301), "title",
     "longer than 300"),
])
def test_bad_entries_are_refused_with_the_reason(nz_record: Record, draft: CalendarDraft,
                                                 field: str, message: str) -> None:
    with pytest.raises(InvalidCalendarEntry) as caught:
        add_entry(nz_record, draft)
    assert field in [f for f, _ in caught.value.problems]
    assert message in str(caught.value)
    assert list_entries(nz_record) == [] and _events(nz_record) == []


def test_every_problem_is_named_at_once(nz_record: Record) -> None:
    with pytest.raises(InvalidCalendarEntry) as caught:
        add_entry(nz_record, CalendarDraft("XYZ", "follow-up", None, references=("BAD",)))
    assert [f for f, _ in caught.value.problems] == ["body", "due_on", "references"]


def test_windows_of_3_6_and_12_months(nz_record: Record) -> None:
    dues = [dt.date(2026, 1, 30),  # yesterday: past, in no window
            TODAY, dt.date(2026, 4, 30),  # today and the last day of 3 months
            dt.date(2026, 5, 1), dt.date(2026, 7, 31),  # 6 months
            dt.date(2027, 1, 31), dt.date(2027, 2, 1)]  # 12 months; just after
    for due in dues:
        add_entry(nz_record, CalendarDraft("UPR", "follow-up", due))
    assert months_after(TODAY, 3) == dt.date(2026, 4, 30)  # clamped to the month's end
    assert due_counts(nz_record, TODAY) == {3: 2, 6: 4, 12: 5}
    within = {m: [i.due_on for i in list_entries(nz_record, within_months=m, today=TODAY)]
              for m in (3, 6, 12)}
    assert within[3] == dues[1:3] and within[6] == dues[1:5] and within[12] == dues[1:6]
    assert [i.due_on for i in list_entries(nz_record)] == dues  # all, by due date


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def nmrf(monkeypatch: pytest.MonkeyPatch, db_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """`nmrf …` in-process on the test database."""
    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(["--db", str(db_path), *argv])
        out, err = capsys.readouterr()
        return status, out, err
    return run


def test_cli_add_list_and_remove(nz_record: Record, nmrf) -> None:  # type: ignore[no-untyped-def]
    today = dt.date.today()
    soon, later = months_after(today, 2), months_after(today, 9)
    status, out, _ = nmrf("calendar", "add", "--body", "UPR", "--kind", "upr-mid-term",
                          "--due", soon.isoformat(), "--title", "Mid-term report",
                          "--covers", "NZL-UPR18-001", "NZL-UPR18-002")
    assert status == 0 and "covering 2 recommendations" in out
    status, out, _ = nmrf("calendar", "add", "--body", "UPR", "--kind", "periodic-report",
                          "--due", later.isoformat(), "--covers-all", "--cycle", "2")
    assert status == 0 and "covering 155 recommendations" in out
    status, out, _ = nmrf("calendar", "list", "--within", "3", "--json")
    [entry] = json.loads(out)
    assert (entry["kind"], entry["references"], entry["covered"]) == (
        "upr-mid-term", ["NZL-UPR18-001", "NZL-UPR18-002"], 2)
    status, out, _ = nmrf("calendar", "list")
    assert out.count("\tUPR\t") == 2 and "all UPR recommendations of cycle 2" in out
    status, out, _ = nmrf("calendar", "remove", entry["id"][:8])
    assert status == 0 and out.startswith(f"removed {entry['id'][:8]}")
    assert len(json.loads(nmrf("calendar", "list", "--json")[1])) == 1


def test_cli_names_what_is_wrong(nz_record: Record, nmrf) -> None:  # type: ignore[no-untyped-def]
    status, _, err = nmrf("calendar", "add", "--body", "UPR", "--kind", "follow-up",
                            "--due", "2026-03-01", "--covers", "NZL-UPR18-001", "NOPE-1")
    assert status == 1 and err == ("nmrf: No recommendation with the reference NOPE-1.\n")
    status, _, err = nmrf("calendar", "add", "--body", "ABC", "--kind", "follow-up",
                          "--due", "2026-03-01")
    assert status == 1 and "Unknown body 'ABC'" in err
    with pytest.raises(SystemExit):  # argparse: a due date is required, and must be a date
        nmrf("calendar", "add", "--body", "UPR", "--kind", "follow-up", "--due", "soon")
    assert json.loads(nmrf("calendar", "list", "--json")[1]) == []


def test_cli_dashboard(nz_record: Record, nmrf) -> None:  # type: ignore[no-untyped-def]
    status, out, _ = nmrf("dashboard", "--json")
    data = json.loads(out)
    assert status == 0 and data["total"] == 228
    assert data["bundles"] == {"held": 0, "rejected": 0, "rejected_then_merged": 0}
    assert data["by_body"][0]["by_status"] == {"none": 228}
    status, out, _ = nmrf("dashboard", "--months", "12")
    assert status == 0 and out.startswith("228 recommendations; 228 with no update since")
    assert "\n(unassigned)\t228\t228\t228\n" in out
