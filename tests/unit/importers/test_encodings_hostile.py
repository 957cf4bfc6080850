"""Imports never garble: a CSV in more than one encoding is refused with the row named,
UTF-16 and UTF-8 with a byte-order mark are read, macrons survive, and only a regular file
is read (a FIFO or a folder is refused at once). Through the reader and through `nmrf`."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from nmrf_desktop.importers import upr_info
from nmrf_desktop.importers.base import ImportFailed
from nmrf_desktop.importers.text_encoding import decode, is_single_byte, rows_of
from tests.e2e.support import assert_user_error, fingerprint, nmrf, nmrf_ok

HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
MACRONS = "ā ē ī ō ū Ā Ē Ī Ō Ū"
MAORI = (f'New Zealand,WEOG,,"Honour te Tiriti and protect Māori rights ({MACRONS})",'
         "Fiji,Asia-Pacific,,Supported,5,Indigenous peoples,32\n")
# A multi-line quoted cell: rows are CSV records, not physical lines.
TWO_LINES = ('New Zealand,WEOG,,"Ratify the Optional Protocol\nwithout delay",Chile,GRULAC,,'
             "Noted,4,International instruments,32\n")
FRENCH = ("New Zealand,WEOG,,Améliorer l'accès à la justice pour les réfugiés,France,WEOG,,"
          "Supported,5,Access to justice,32\n")


def _csv(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refused(path: Path, encoding: str | None = None) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        upr_info.parse(path, encoding)
    return caught.value


# -- mixed encodings are refused, the rows named -------------------------------------------

def test_mostly_utf8_with_one_latin1_row_names_that_row(tmp_path: Path) -> None:
    data = (HEADER + MAORI + TWO_LINES + MAORI).encode() + FRENCH.encode("latin-1") + \
        MAORI.encode()
    exc = _refused(_csv(tmp_path, "mixed.csv", data))
    # The odd row out first: row 5 (the two-line cell is one row) is not UTF-8.
    first, second = exc.problems
    assert (first.file, first.row) == ("mixed.csv", 5)
    assert "is not UTF-8 (byte 0xE9)" in first.message
    assert second.row == 2 and "mixes encodings" in second.message
    assert "'ā' would become 'ƒÅ'" in second.message  # what a silent import would have done


def test_mostly_mac_roman_with_one_utf8_row_names_the_utf8_row(tmp_path: Path) -> None:
    latin = FRENCH.encode("mac_roman")
    data = HEADER.encode() + latin + latin + MAORI.encode() + latin
    exc = _refused(_csv(tmp_path, "export.csv", data))
    first = exc.problems[0]
    assert first.row == 4 and "this row is UTF-8" in first.message
    assert "Māori" in first.message  # the row shown as it was meant
    assert str(first).startswith("export.csv, row 4: the file mixes encodings")
    assert exc.problems[1].row == 2


def test_a_named_single_byte_encoding_is_refused_for_utf8_bytes(tmp_path: Path) -> None:
    path = _csv(tmp_path, "utf8.csv", (HEADER + FRENCH + MAORI).encode())
    for encoding in ("latin-1", "cp1252", "mac_roman"):
        exc = _refused(path, encoding)
        assert exc.problems[0].row == 2
        assert f"not {encoding}" in exc.problems[0].message
    mixed = _csv(tmp_path, "mixed.csv", HEADER.encode() + FRENCH.encode("latin-1")
                 + MAORI.encode())
    assert _refused(mixed, "latin-1").problems[0].row == 3


def test_a_utf16_file_cut_mid_character_names_the_row(tmp_path: Path) -> None:
    data = (HEADER + MAORI + MAORI).encode("utf-16") + "\ud800".encode("utf-16-le",
                                                                       "surrogatepass")
    exc = _refused(_csv(tmp_path, "cut.csv", data))
    assert exc.problems[0].row == 4 and "UTF-16" in exc.problems[0].message


def test_a_bom_that_contradicts_the_encoding_given_is_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "bom.csv", (HEADER + MAORI).encode("utf-16"))
    assert "byte-order mark of UTF-16" in str(_refused(path, "latin-1"))
    assert "'klingon' is not an encoding" in str(_refused(path, "klingon"))


def test_nul_bytes_without_a_bom_are_refused_with_a_hint(tmp_path: Path) -> None:
    path = _csv(tmp_path, "nobom.csv", (HEADER + MAORI).encode("utf-16-le"))
    assert "utf-16-le" in str(_refused(path))
    assert upr_info.parse(path, "utf-16-le").records[0].text.endswith(f"({MACRONS})")


# -- one encoding is read, macrons intact --------------------------------------------------

@pytest.mark.parametrize(("encoding", "named"), [
    ("utf-8", None), ("utf-8-sig", None), ("utf-8", "utf-8"),
    ("utf-16", None), ("utf-16", "utf-16"), ("utf-16-be", "utf-16-be"),
    ("utf-16-le", "utf-16-le"), ("utf-32", None)])
def test_unicode_files_are_read_with_their_macrons(tmp_path: Path, encoding: str,
                                                   named: str | None) -> None:
    data = (HEADER + MAORI + TWO_LINES).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # a byte-order mark, big-endian
    parsed = upr_info.parse(_csv(tmp_path, f"{encoding}.csv", data), named)
    assert parsed.rejected == []
    maori, two = parsed.records
    assert maori.text.endswith(f"({MACRONS})") and "Māori" in maori.groups
    assert maori.origin[1] == 2 and two.origin[1] == 3


def test_a_single_byte_file_is_still_read_as_mac_roman(tmp_path: Path) -> None:
    parsed = upr_info.parse(_csv(tmp_path, "mac.csv", (HEADER + FRENCH).encode("mac_roman")))
    assert parsed.records[0].text == "Améliorer l'accès à la justice pour les réfugiés"
    latin = upr_info.parse(_csv(tmp_path, "latin.csv", (HEADER + FRENCH).encode("latin-1")),
                           "latin-1")
    assert latin.records[0].text == parsed.records[0].text


def test_helpers_single_byte_and_rows() -> None:
    assert [is_single_byte(e) for e in ("latin-1", "cp1252", "mac_roman")] == [True] * 3
    assert [is_single_byte(e) for e in ("utf-8", "utf-16", "gbk", "shift_jis")] == [False] * 4
    text = 'a,b\r1,"x\ny"\r\n2,z\n'
    assert rows_of(text, [0, 4, 8, 14]) == [1, 2, 2, 3]
    assert decode(b"a,b\n", "x.csv") == "a,b\n"


# -- only regular files --------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []
    reader = threading.Thread(target=lambda: outcome.append(_refused(fifo)), daemon=True)
    reader.start()
    reader.join(5)
    assert outcome, "reading a FIFO blocked"
    assert "is a named pipe (FIFO), not a file" in str(outcome[0])
    with pytest.raises(ImportFailed, match="is a folder, not a file"):
        upr_info.parse(tmp_path)


# -- through `nmrf import`: exit 1, one line, nothing changed ------------------------------

@pytest.fixture
def record(tmp_path: Path) -> Path:
    db = tmp_path / "record.sqlite3"
    nmrf_ok("import", "upr-info", _csv(tmp_path, "first.csv", (HEADER + MAORI).encode()),
            db=db)
    return db


def test_nmrf_import_refuses_a_mixed_file_and_changes_nothing(tmp_path: Path,
                                                              record: Path) -> None:
    before = fingerprint(record)
    mixed = _csv(tmp_path, "mixed.csv", HEADER.encode() + FRENCH.encode("latin-1")
                 + FRENCH.encode("latin-1") + MAORI.encode())
    for extra in ((), ("--encoding", "latin-1"), ("--skip-bad-rows",)):
        done = nmrf("import", "upr-info", mixed, *extra, db=record)
        assert_user_error(done, "import failed, nothing was changed", "mixed.csv, row 4")
    assert fingerprint(record) == before


def test_nmrf_import_reads_utf16_with_or_without_naming_it(tmp_path: Path,
                                                           record: Path) -> None:
    utf16 = _csv(tmp_path, "utf16.csv", (HEADER + TWO_LINES + FRENCH).encode("utf-16"))
    assert nmrf_ok("import", "upr-info", utf16, "--encoding", "utf-16", db=record
                   ).startswith("created 2, updated 0, unchanged 0")
    assert nmrf_ok("import", "upr-info", utf16, db=record).startswith("created 0, updated 0, "
                                                                     "unchanged 2")
    found = nmrf_ok("search", "protect", "--json", db=record)
    assert MACRONS in found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_nmrf_import_refuses_a_fifo_and_a_folder_at_once(tmp_path: Path,
                                                        record: Path) -> None:
    before = fingerprint(record)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for kind in ("upr-info", "uhri", "xlsx"):
        done = nmrf("import", kind, fifo, db=record, timeout=30)
        assert_user_error(done, "pipe.csv", "is a named pipe (FIFO), not a file")
        done = nmrf("import", kind, tmp_path, db=record, timeout=30)
        assert_user_error(done, "is a folder, not a file")
    assert fingerprint(record) == before
