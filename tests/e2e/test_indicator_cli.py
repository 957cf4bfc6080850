"""`nmrf indicator` as scripts run it: the contract's JSON shapes exactly, exit codes, one
line per refusal, idempotent re-import, export then import changing nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import TEST_DATA
from tests.e2e.support import nmrf

DATA = TEST_DATA / "indicators"
NZ = DATA / "nz_constructed_remand_by_ethnicity.csv"
TITLE_MI = "Te hunga mauhere kāore anō kia whiua"


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


def _refs(db: Path) -> list[str]:
    return [r for (r,) in _rows(db, "SELECT reference FROM recommendations ORDER BY num "
                                    "LIMIT 3")]


def test_the_indicator_contract(nz_db: Path, tmp_path: Path) -> None:
    refs = _refs(nz_db)
    added = nmrf("indicator", "add", "PRIS-REMAND", "--title", "Remand prisoners, share of "
                 "the prison population", "--title-mi", TITLE_MI, "--kind", "outcome",
                 "--unit", "Percentage (%)", "--direction", "down", "--sdg", "16.3.2",
                 "--steward", "MOJ", "--rec", refs[0], "--maori-data", "--governance",
                 "Te Kāhui Raraunga", "--baseline", "38", "--baseline-period", "2019",
                 "--target", "30", db=nz_db)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added indicator PRIS-REMAND\toutcome\t")

    imported = nmrf("indicator", "import-values", "PRIS-REMAND", NZ, "--json", db=nz_db)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout) == {
        "indicator": "PRIS-REMAND", "file": NZ.name, "new": 60, "changed": 0,
        "unchanged": 0, "skipped_without_value": 0}
    again = nmrf("indicator", "import-values", "PRIS-REMAND", NZ, db=nz_db)
    assert again.stdout == "PRIS-REMAND: 0 new, 0 changed, 60 unchanged\n"

    linked = nmrf("indicator", "link", "PRIS-REMAND", "--rec", refs[1], refs[2], db=nz_db)
    assert linked.returncode == 0, linked.stderr

    listed = json.loads(nmrf("indicator", "list", "--json", db=nz_db).stdout)
    assert listed == [{"code": "PRIS-REMAND", "title": "Remand prisoners, share of the "
                       "prison population", "kind": "outcome", "unit": "Percentage (%)",
                       "sdg": "16.3.2", "steward": "MOJ", "recommendations": refs,
                       "values": 60, "maori_data": True}]

    values = json.loads(nmrf("indicator", "values", "PRIS-REMAND", "--json", db=nz_db).stdout)
    assert len(values) == 60
    assert all(set(v) == {"period", "value", "disaggregation", "status", "units"}
               for v in values)
    assert values[0] == {"period": "2019", "value": 38.0, "disaggregation": {},
                         "status": "final", "units": "Percentage (%)"}
    assert {"period": "2023", "value": 49.7, "disaggregation": {"Ethnicity": "Māori"},
            "status": "provisional", "units": "Percentage (%)"} in values

    shown = json.loads(nmrf("indicator", "show", "PRIS-REMAND", "--json", db=nz_db).stdout)
    assert shown["title_mi"] == TITLE_MI and shown["governance"] == "Te Kāhui Raraunga"
    assert shown["sdg_title"] == "Unsentenced detainees as a proportion of overall prison " \
                                 "population"
    total = next(t for t in shown["trends"] if t["disaggregation"] == {})
    assert total["latest"] == {"period": "2023", "value": 43.2}
    assert total["trend"] == "moving away"
    text = nmrf("indicator", "show", "PRIS-REMAND", db=nz_db).stdout
    assert f"te reo Māori: {TITLE_MI}" in text
    assert "Ethnicity: Māori: latest 49.7 Percentage (%) (2023)" in text

    out = tmp_path / "export.csv"
    exported = nmrf("indicator", "export-values", "PRIS-REMAND", out, db=nz_db)
    assert exported.stdout == f"wrote 60 values to {out}\n"
    assert nmrf("indicator", "import-values", "PRIS-REMAND", out, db=nz_db).stdout == \
        "PRIS-REMAND: 0 new, 0 changed, 60 unchanged\n"

    events = [e for (e,) in _rows(nz_db, "SELECT event FROM audit_log WHERE event LIKE "
                                         "'indicator.%' ORDER BY seq")]
    assert events == ["indicator.add", "indicator.import_values", "indicator.import_values",
                      "indicator.link", "indicator.import_values"]


def test_history_after_a_changed_value(nz_db: Path, tmp_path: Path) -> None:
    assert nmrf("indicator", "add", "R1", "--title", "Remand", "--kind", "outcome",
                db=nz_db).returncode == 0
    nmrf("indicator", "import-values", "R1", NZ, db=nz_db)
    changed = tmp_path / "changed.csv"
    changed.write_text(NZ.read_text(encoding="utf-8").replace(
        "2019,,,Percentage (%),Normal value,38.0", "2019,,,Percentage (%),Normal value,38.4"),
        encoding="utf-8")
    done = nmrf("indicator", "import-values", "R1", changed, db=nz_db)
    assert done.stdout == "R1: 0 new, 1 changed, 59 unchanged\n"
    history = json.loads(nmrf("indicator", "values", "R1", "--history", "--json",
                              db=nz_db).stdout)
    assert len(history) == 61
    total_2019 = [h for h in history if h["period"] == "2019" and h["disaggregation"] == {}]
    assert [(h["value"], h["version"], h["current"]) for h in total_2019] == [
        (38.0, 1, False), (38.4, 2, True)]
    assert total_2019[1]["source"] == {"file": "changed.csv", "row": 2}


def test_refusals_are_one_line_and_change_nothing(nz_db: Path, tmp_path: Path) -> None:
    before = _rows(nz_db, "SELECT count(*) FROM audit_log")
    maori = nmrf("indicator", "add", "M1", "--title", "T", "--kind", "process",
                 "--maori-data", db=nz_db)
    assert maori.returncode == 1 and maori.stderr == (
        "nmrf: --maori-data needs --governance: name the iwi/Māori organisation or agency "
        "that holds governance over the data; nothing was added\n")
    sdg = nmrf("indicator", "add", "S1", "--title", "T", "--kind", "process", "--sdg",
               "16.3.9", db=nz_db)
    assert sdg.returncode == 1 and sdg.stderr == (
        "nmrf: SDG 16.3.9 is not in the global indicator framework (target 16.3 has 16.3.1, "
        "16.3.2, 16.3.3).\n")
    kind = nmrf("indicator", "add", "K1", "--title", "T", "--kind", "impact", db=nz_db)
    assert kind.returncode == 2 and "invalid choice: 'impact'" in kind.stderr
    unknown = nmrf("indicator", "values", "NOPE", "--json", db=nz_db)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr == "nmrf: no indicator with the code 'NOPE'\n"
    assert nmrf("indicator", "add", "V1", "--title", "T", "--kind", "outcome",
                db=nz_db).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("Year,Sex,Value\n2019,,12\n2019,,13\n", encoding="utf-8")
    failed = nmrf("indicator", "import-values", "V1", bad, db=nz_db)
    assert failed.returncode == 1
    assert failed.stderr == ("nmrf: import failed, nothing was changed: bad.csv, row 3, "
                             "column 'Year': repeats row 2: the same period (2019) and "
                             "disaggregation (total) twice; keep one row\n")
    assert _rows(nz_db, "SELECT count(*) FROM indicator_values") == [(0,)]
    after = _rows(nz_db, "SELECT count(*) FROM audit_log")
    assert after[0][0] == before[0][0] + 1  # the one indicator added, nothing else


def _public_text(db: Path, out: Path) -> str:
    """Every file `nmrf report public` writes, as text (PDF pages extracted)."""
    import pypdf

    made = nmrf("report", "public", "--out", out, db=db)
    assert made.returncode == 0, made.stderr
    parts = []
    for path in sorted(out.rglob("*")):
        if path.suffix == ".pdf":
            parts += [page.extract_text() for page in pypdf.PdfReader(path).pages]
        elif path.suffix in (".csv", ".json", ".txt", ".md"):
            parts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True)
            parts += [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                      for c in row if c is not None]
            book.close()
    return "\n".join(parts)


def test_release_lets_maori_data_into_public_outputs_and_withdraw_takes_it_out(
        nz_db: Path, tmp_path: Path) -> None:
    refs = _refs(nz_db)
    title = "Rangatahi in kaupapa Māori education TEST-RELEASE"
    assert nmrf("indicator", "add", "RANGATAHI", "--title", title, "--kind", "outcome",
                "--steward", "TPK", "--rec", refs[0], "--maori-data", "--governance",
                "Iwi data governance rōpū", db=nz_db).returncode == 0
    assert nmrf("indicator", "import-values", "RANGATAHI", NZ, db=nz_db).returncode == 0
    assert title not in _public_text(nz_db, tmp_path / "before")

    released = nmrf("indicator", "release", "RANGATAHI", "--reason", "hui of 3 May",
                    db=nz_db)
    assert released.returncode == 0, released.stderr
    assert released.stdout == ("RANGATAHI: Māori data released for public outputs "
                               "(governance: Iwi data governance rōpū)\n")
    assert title in _public_text(nz_db, tmp_path / "released")

    withdrawn = nmrf("indicator", "release", "RANGATAHI", "--withdraw", db=nz_db)
    assert withdrawn.stdout.startswith("RANGATAHI: Māori data withheld from public outputs")
    assert title not in _public_text(nz_db, tmp_path / "withdrawn")

    events = _rows(nz_db, "SELECT event, details FROM audit_log WHERE event = "
                          "'indicator.release' ORDER BY seq")
    assert [e for e, _d in events] == ["indicator.release"] * 2
    assert "hui of 3 May" in str(events[0][1])

    # Not Māori data, or unknown: one line, nothing changed.
    assert nmrf("indicator", "add", "PLAIN", "--title", "Plain", "--kind", "process",
                db=nz_db).returncode == 0
    plain = nmrf("indicator", "release", "PLAIN", db=nz_db)
    assert plain.returncode == 1
    assert plain.stderr.startswith("nmrf: PLAIN is not Māori data")
    unknown = nmrf("indicator", "release", "NOPE", db=nz_db)
    assert unknown.returncode == 1 and "NOPE" in unknown.stderr
    assert len(_rows(nz_db, "SELECT 1 FROM audit_log WHERE event = 'indicator.release'")) == 2
