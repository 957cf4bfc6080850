"""UPR Info CSV reader: encodings, line ends, HTML entities, identities, repeats, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from nmrf_desktop.domain.enums import Position
from nmrf_desktop.importers import upr_info
from nmrf_desktop.importers.base import ImportFailed
from tests.conftest import ALL_UPR_CSV, NZ_CSV

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"


def _write(path: Path, *rows: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes(newline.join([HEADER, *rows, ""]).encode(encoding))
    return path


def test_new_zealand_extract() -> None:
    parsed = upr_info.parse(NZ_CSV)
    assert (len(parsed.records), parsed.rejected, parsed.repeats) == (228, [], [])
    first = parsed.records[0]
    assert first.text == ("Include the fight against xenophobia and racism in the education "
                          "curricula.")
    assert (first.country, first.upr_session, first.cycle, first.year) == (
        "New Zealand", 5, 1, 2009)
    assert first.position is Position.SUPPORTED and first.action_category == 5
    assert first.themes == ("Racial discrimination", "Right to education")
    assert [(s.name, s.regional_group) for s in first.states] == [("Brazil", "GRULAC")]
    assert first.origin == (NZ_CSV.name, 2)


def test_mac_roman_with_cr_line_ends_reads_like_utf8(tmp_path: Path) -> None:
    row = 'Côte d\'Ivoire,Africa,,"Protect the Māori-like rights of minorities.",France,WEOG,,' \
          'Noted,3,Minorities,4'
    mac = _write(tmp_path / "mac.csv", row.replace("ā", "a"), encoding="mac_roman",
                 newline="\r")
    utf = _write(tmp_path / "utf.csv", row.replace("ā", "a"))
    a, b = upr_info.parse(mac).records, upr_info.parse(utf).records
    assert a[0].country == "Côte d'Ivoire" and a[0].position is Position.NOTED
    assert [r.source_id for r in a] == [r.source_id for r in b]


def test_identity_ignores_case_and_whitespace_but_not_session(tmp_path: Path) -> None:
    base = upr_info.identity("New Zealand", 18, "Brazil", "Ratify the ICRMW")
    assert upr_info.identity("new zealand ", 18, " BRAZIL", "ratify  the ICRMW ") == base
    assert upr_info.identity("New Zealand", 5, "Brazil", "Ratify the ICRMW") != base
    assert upr_info.identity("New Zealand", 18, "Chile", "Ratify the ICRMW") != base


def test_repeats_in_one_file_merge_and_keep_every_issue(tmp_path: Path) -> None:
    path = _write(tmp_path / "rep.csv",
                  'Tonga,Asia,,Ratify ICCPR ,United Kingdom,WEOG,,Noted,5,Death penalty,15',
                  'Tonga,Asia,,Ratify  ICCPR,United Kingdom,WEOG,,Noted,5,'
                  '"International instruments",15')
    parsed = upr_info.parse(path)
    assert len(parsed.records) == 1
    assert parsed.records[0].themes == ("Death penalty", "International instruments")
    assert parsed.repeats == ["rep.csv row 3 repeats row 2 (Tonga / session 15 / "
                              "United Kingdom): merged into one"]


def test_html_entities_are_decoded(tmp_path: Path) -> None:
    path = _write(tmp_path / "ent.csv",
                  'Fiji,Asia,,Protect women&#39;s rights &amp; children,Chile,GRULAC,,'
                  'Accepted,4,Women&#39;s rights,14')
    rec = upr_info.parse(path).records[0]
    assert rec.text == "Protect women's rights & children"
    assert rec.themes == ("Women's rights",) and rec.groups == ("Women",)


def test_maori_rows_are_tagged_with_the_maori_group() -> None:
    records = upr_info.parse(NZ_CSV).records
    tagged = [r for r in records if "Māori" in r.groups]
    assert len(tagged) >= 25
    assert all("maori" in r.text.casefold() for r in tagged)


def test_every_bad_row_is_listed_with_its_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv",
                  'Fiji,Asia,,Good row,Chile,GRULAC,,Accepted,4,Justice,14',
                  'Fiji,Asia,,,Chile,GRULAC,,Accepted,4,Justice,14',
                  'Fiji,Asia,,Row three,Chile,GRULAC,,Perhaps,4,Justice,14',
                  'Fiji,Asia,,Row four,Chile,GRULAC,,Accepted,6,Justice,X',
                  '=Fiji,Asia,,Row five,Chile,GRULAC,,Accepted,4,+Justice,14')
    parsed = upr_info.parse(path)
    assert [r.text for r in parsed.records] == ["Good row"]
    assert [(p.row, p.column) for p in parsed.rejected] == [
        (3, "Text"), (4, "Response"), (5, "Session"), (5, "Action"), (6, "To"), (6, "Issue")]
    assert all(p.file == "bad.csv" for p in parsed.rejected)


@pytest.mark.parametrize(("data", "message"), [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (HEADER.encode() + b'\nFiji,Asia,,"cut here', "truncated"),
    (b"To,Text\nFiji,x\n", "missing column(s) From, Response, Session"),
])
def test_unreadable_files_fail_with_the_reason(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as failed:
        upr_info.parse(path)
    assert message in str(failed.value)
    assert "f.csv" in str(failed.value).split(": ")[0]


@pytest.mark.slow
def test_all_five_real_files_read_without_a_rejected_row() -> None:
    total = repeats = 0
    for path in ALL_UPR_CSV:
        parsed = upr_info.parse(path)
        assert parsed.rejected == [], path
        total += len(parsed.records)
        repeats += len(parsed.repeats)
    assert (total, repeats) == (41_062, 4)  # 41,066 rows, four of them repeats
