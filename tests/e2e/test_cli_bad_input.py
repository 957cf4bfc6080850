"""Bad UPR Info input: one clear line naming file, row and column; the database unchanged."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ALL_UPR_CSV, NZ_CSV
from tests.e2e.support import assert_user_error, fingerprint, nmrf, nmrf_ok, stats

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"


def row(text: str = "Protect the rights of whānau.", *, response: str = "Accepted",
        action: str = "5", session: str = "18", frm: str = "Brazil") -> str:
    quoted = '"' + text.replace('"', '""') + '"'
    return (f"New Zealand,WEOG,\"PIF, Commonwealth\",{quoted},{frm},GRULAC,,{response},"
            f"{action},Justice,{session}")


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(NZ_CSV, NZ_CSV.name)
    return buffer.getvalue()


def truncated_in_quoted_field() -> bytes:
    data = NZ_CSV.read_bytes()
    # Row 3 (the second recommendation) has a quoted To-Org; cut inside its Issue field.
    cut = data.index(b'"Racial discrimination,') + 10
    return data[:cut]


# name -> (file contents, what the first stderr line must name besides the file)
BAD_FILES: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "wrong-columns": (lambda: b"Name,Age,Town\nAroha,34,Rotorua\n",
                      ("row 1", "is not a UPR Info export: its header row holds 'Name'")),
    "png-renamed": (png_bytes, ("not a CSV",)),
    "zip-renamed": (zip_bytes, ("cannot be read as an .xlsx workbook",)),
    "nul-junk": (lambda: bytes(range(256)) * 40, ("not a CSV",)),
    "truncated": (truncated_in_quoted_field, ("row 2", "damaged or truncated")),
    "empty": (lambda: b"", ("empty",)),
    "blank-lines-only": (lambda: b"\n\r\n   \n", ("empty",)),
    "formula-injection": (lambda: csv_text(row("=cmd|' /C calc'!A0")).encode(),
                          ("row 2", "column 'Text'", "formula")),
    "formula-in-state": (lambda: csv_text(row(frm="@SUM(A1:A9)")).encode(),
                         ("row 2", "column 'From'", "formula")),
    "formula-in-group": (lambda: csv_text(row().replace(",GRULAC,", ",=HYPERLINK(1),"))
                         .encode(), ("row 2", "column 'From-Rgrp'", "formula")),
    "bad-session": (lambda: csv_text(row(session="eighteen")).encode(),
                    ("row 2", "column 'Session'", "'eighteen'")),
    "session-zero": (lambda: csv_text(row(session="0")).encode(),
                     ("row 2", "column 'Session'")),
    "negative-session": (lambda: csv_text(row(session="-4")).encode(),
                         ("row 2", "column 'Session'")),
    "missing-session": (lambda: csv_text(row(session="")).encode(),
                        ("row 2", "column 'Session'")),
    "bad-response": (lambda: csv_text(row(response="Maybe")).encode(),
                     ("row 2", "column 'Response'", "'Maybe'")),
    "bad-action": (lambda: csv_text(row(action="9")).encode(),
                   ("row 2", "column 'Action'", "'9'")),
    "action-not-a-number": (lambda: csv_text(row(action="five")).encode(),
                            ("row 2", "column 'Action'")),
    "empty-text": (lambda: csv_text(row(text="   ")).encode(), ("row 2", "column 'Text'")),
    "short-row": (lambda: (csv_text(row()) + "New Zealand,WEOG\n").encode(),
                  ("row 3", "has 2 fields")),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_exits_with_one_clear_line_and_changes_nothing(
        case: str, nz_db: Path, tmp_path: Path) -> None:
    make, needles = BAD_FILES[case]
    bad = tmp_path / f"{case}.csv"
    bad.write_bytes(make())
    before, counts = fingerprint(nz_db), stats(nz_db)

    done = nmrf("import", "upr-info", bad, db=nz_db)

    first = assert_user_error(done, f"{case}.csv", *needles)
    assert first.startswith("nmrf: import failed, nothing was changed: ")
    assert done.stdout == ""
    assert fingerprint(nz_db) == before
    assert stats(nz_db) == counts


def test_missing_file_is_named(nz_db: Path, tmp_path: Path) -> None:
    before = fingerprint(nz_db)
    done = nmrf("import", "upr-info", tmp_path / "not-there.csv", db=nz_db)
    assert_user_error(done, "not-there.csv", "not found")
    assert fingerprint(nz_db) == before


def test_folder_instead_of_file_is_named(nz_db: Path, tmp_path: Path) -> None:
    done = nmrf("import", "upr-info", tmp_path, db=nz_db)
    assert_user_error(done, tmp_path.name, "folder")


def test_one_bad_file_among_good_ones_rejects_the_whole_import(
        nz_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(row(session="x")), encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text(csv_text(row("Adopt a national plan on whānau violence.")),
                    encoding="utf-8")
    before = fingerprint(nz_db)
    done = nmrf("import", "upr-info", good, ALL_UPR_CSV[0], bad, db=nz_db)
    assert_user_error(done, "bad.csv", "row 2", "Session")
    assert fingerprint(nz_db) == before


def _many_bad_rows() -> str:
    return csv_text(
        row("Ratify the Optional Protocol.", session="five"),          # row 2
        row("Adopt a plan on family violence."),                       # row 3, good
        row("Protect the rights of whānau.", response="Maybe"),        # row 4
        row("Fund kaupapa Māori services.", action="0"),               # row 5
        row("=HYPERLINK(\"http://x\")"),                                # row 6
        row("Consult Māori on legislation.", session="46"),            # row 7, good
    )


def test_bad_rows_reject_the_whole_import_and_every_bad_row_is_listed(
        nz_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "rows.csv"
    bad.write_text(_many_bad_rows(), encoding="utf-8")
    before = fingerprint(nz_db)

    done = nmrf("import", "upr-info", bad, db=nz_db)

    first = assert_user_error(done, "rows.csv, row 2, column 'Session'", "and 3 more problems")
    lines = done.stderr.splitlines()
    assert lines[0] == first
    assert [line.strip().split(":")[0] for line in lines[1:]] == [
        "rows.csv, row 4, column 'Response'",
        "rows.csv, row 5, column 'Action'",
        "rows.csv, row 6, column 'Text'",
    ]
    assert fingerprint(nz_db) == before


def test_skip_bad_rows_imports_the_rest_and_lists_the_rejects(
        nz_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "rows.csv"
    bad.write_text(_many_bad_rows(), encoding="utf-8")

    report = json.loads(nmrf_ok("import", "upr-info", bad, "--skip-bad-rows", "--json",
                                db=nz_db))

    assert report["created"] == 2
    assert [p.split(":")[0] for p in report["rejected"]] == [
        "rows.csv, row 2, column 'Session'",
        "rows.csv, row 4, column 'Response'",
        "rows.csv, row 5, column 'Action'",
        "rows.csv, row 6, column 'Text'",
    ]
    assert stats(nz_db)["recommendations"] == 228 + 2
    texts = {r["text"] for r in json.loads(nmrf_ok(
        "search", "--session", "46", "--session", "18", "--limit", "0", "--json", db=nz_db))}
    assert "Consult Māori on legislation." in texts
    assert "Adopt a plan on family violence." in texts
    assert not any(t.startswith("=") for t in texts)

    plain = nmrf_ok("import", "upr-info", bad, "--skip-bad-rows", db=nz_db)
    assert plain.splitlines()[0] == ("created 0, updated 0, unchanged 2, rejected 4, "
                                     "repeats merged 0")
    assert sum(line.startswith("  rejected: rows.csv, row ") for line in plain.splitlines()) == 4


def test_unknown_encoding_name_is_a_clear_error(nz_db: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(csv_text(row()), encoding="utf-8")
    before = fingerprint(nz_db)
    done = nmrf("import", "upr-info", good, "--encoding", "klingon-8", db=nz_db)
    assert_user_error(done, "good.csv", "klingon-8")
    assert fingerprint(nz_db) == before


def test_wrong_encoding_for_the_file_is_a_clear_error(nz_db: Path) -> None:
    mac_roman = ALL_UPR_CSV[0]  # upr_info_sessions_1-5.csv: Mac Roman, non-ASCII inside
    before = fingerprint(nz_db)
    for encoding in ("ascii", "utf-8"):
        done = nmrf("import", "upr-info", mac_roman, "--encoding", encoding, db=nz_db)
        assert_user_error(done, mac_roman.name, f"cannot be read as {encoding}")
    assert fingerprint(nz_db) == before


def test_forced_encoding_reads_mac_roman(tmp_path: Path) -> None:
    source = tmp_path / "macroman.csv"
    source.write_bytes(csv_text(row("Honour the Treaty with Māori and Pākehā alike.")
                                .replace("ā", "a")  # Mac Roman has no macrons
                                .replace("Treaty", "Traité")).replace("\n", "\r")
                       .encode("mac_roman"))
    db = tmp_path / "db.sqlite3"
    nmrf_ok("import", "upr-info", source, "--encoding", "mac_roman", db=db)
    [hit] = json.loads(nmrf_ok("search", "traite", "--json", db=db))
    assert hit["text"] == "Honour the Traité with Maori and Pakeha alike."


def test_superscript_digit_session_is_a_row_problem(nz_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "sup.csv"
    bad.write_text(csv_text(row(session="²")), encoding="utf-8")
    assert_user_error(nmrf("import", "upr-info", bad, db=nz_db), "row 2", "Session")


@pytest.mark.parametrize("session", ["1888", "99999999999999999999999"])
def test_implausible_session_is_a_row_problem(session: str, nz_db: Path,
                                              tmp_path: Path) -> None:
    bad = tmp_path / "big.csv"
    bad.write_text(csv_text(row(session=session)), encoding="utf-8")
    assert_user_error(nmrf("import", "upr-info", bad, db=nz_db), "row 2", "Session")


def test_nul_byte_deep_in_the_file_is_rejected(nz_db: Path, tmp_path: Path) -> None:
    data = NZ_CSV.read_bytes()
    cut = data.index(b"\n", 20_000) - 5
    bad = tmp_path / "late-nul.csv"
    bad.write_bytes(data[:cut] + b"\x00" + data[cut:])
    before = fingerprint(nz_db)
    assert_user_error(nmrf("import", "upr-info", bad, db=nz_db), "late-nul.csv")
    assert fingerprint(nz_db) == before
