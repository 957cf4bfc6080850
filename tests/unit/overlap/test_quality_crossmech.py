"""Overlap across mechanisms: Slovenia's UPR recommendations and its treaty-body ones.

The treaty-body and special-procedure rows (tests/data/overlap/crossmech_slovenia.xlsx,
a UHRI export workbook) are imported as a user would, beside Slovenia's 286 UPR rows;
the pairs scored are those joining one of each (tests/data/overlap/README.md).
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nmrf_desktop.overlap.evaluate import Scores, score
from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record

from .labelled import (
    CROSSMECH_ROWS,
    CROSSMECH_WORKBOOK,
    cluster_ids,
    crossmech_truth,
    find,
    ids_by_key,
    import_slovenia,
    treaty_ids,
)

log = logging.getLogger(__name__)

# Measured with the UPR Info wordings of OP-ICESCR and OP-CRC-IC read (features-v4):
# 75 of 91 predicted treaty x UPR pairs correct, of 164 (before: 70 of 86). The floor.
FLOOR = (0.824, 0.457)

# Same asks anyone would join: one pair for each instrument to ratify, and the NHRI ask.
# Two of them are written as UPR Info writes them ("the Optional Protocol to the Covenant
# on Economic, Social and Cultural Rights"; "... to the Rights of the Child on a
# communications procedure"), which overlap/instruments.py reads since features-v4.
CLEAR = [  # (treaty-body row, UPR session, recommending state, its first 60 characters)
    ("CERD/C/SVN/CO/6-7 para 16", 20, "Uruguay", "Ratify ICRMW"),
    ("CAT/C/SVN/CO/3 para 23", 20, "France",
     "Ratify the International Convention for the Protection of "),
    ("CAT/C/SVN/CO/3 para 23", 20, "Spain",
     "Ratify the Optional Protocol to the Covenant on Economic, So"),
    ("CRC/C/SVN/CO/3-4 para 70(e)", 20, "Nicaragua",
     "Consider the ratification of ILO Convention 189 concerning d"),
    ("CRC/C/SVN/CO/3-4 para 79", 20, "Portugal",
     "Ratify the Optional Protocol to the Rights of the Child on a"),
    ("CRC/C/SVN/CO/3-4 para 67(d)", 20, "Hungary",
     "Accede to the 1961 Convention on the Reduction of Stateless"),
    ("CRC/C/SVN/CO/3-4 para 19", 20, "Malaysia",
     "Bring its Human Rights Ombudsman's Office into compliance wi"),
]


@pytest.fixture
def slovenia(record: Record, tmp_path: Path) -> Record:
    return import_slovenia(record, tmp_path)


def _cross(treaty: set[str]):  # type: ignore[no-untyped-def]
    return lambda p: (p[0] in treaty) != (p[1] in treaty)


def _measure(record: Record) -> Scores:
    overlap.update(record, rebuild=True)
    treaty = set(treaty_ids(record).values())
    return score(cluster_ids(record), crossmech_truth(record), only=_cross(treaty))


def test_the_workbook_holds_the_rows_of_the_source_table() -> None:
    with CROSSMECH_ROWS.open(encoding="utf-8", newline="") as f:
        table = list(csv.DictReader(f))
    book = load_workbook(CROSSMECH_WORKBOOK, read_only=True)
    try:  # a read-only workbook holds its file open until closed
        rows = list(book.active.iter_rows(min_row=2, values_only=True))
    finally:
        book.close()
    assert len(rows) == len(table) == 59
    for cells, source in zip(rows, table, strict=True):
        assert cells[0].endswith(source["text"])
        assert cells[3] == "- " + source["document"]
        assert cells[2] == "- " + source["body"]


def test_treaty_rows_import_beside_the_upr_rows(slovenia: Record) -> None:
    treaty = treaty_ids(slovenia)
    assert len(treaty) == 59
    assert "CRC/C/SVN/CO/3-4 para 74(d)" in treaty
    assert sum(len(v) for v in ids_by_key(slovenia).values()) == 286
    groups = crossmech_truth(slovenia)  # every labelled member resolves to one row
    assert len(groups) == 45


@pytest.mark.parametrize(("ref", "session", "state", "text60"), CLEAR)
def test_clear_same_asks_are_clustered_across_mechanisms(
        slovenia: Record, ref: str, session: int, state: str, text60: str) -> None:
    overlap.update(slovenia)
    treaty, keys = treaty_ids(slovenia), ids_by_key(slovenia)
    upr = find(keys, {"session": session, "state": state, "text60": text60})
    assert any(treaty[ref] in c and upr in c for c in cluster_ids(slovenia))


def test_cross_mechanism_precision_and_recall(slovenia: Record) -> None:
    result = _measure(slovenia)
    log.warning("overlap across mechanisms (Slovenia, treaty x UPR pairs): P=%.3f R=%.3f "
                "F1=%.3f (%d/%d predicted pairs correct, %d true)", result.precision,
                result.recall, result.f1, result.correct_pairs, result.predicted_pairs,
                result.true_pairs)
    assert result.true_pairs == 164
    assert round(result.precision, 3) >= FLOOR[0]
    assert round(result.recall, 3) >= FLOOR[1]
