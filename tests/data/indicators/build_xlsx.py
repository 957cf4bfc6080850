"""Rebuild the XLSX fixtures from their CSV sources: `python tests/data/indicators/build_xlsx.py`.

Years and values become numbers (as a spreadsheet holds them), every other cell text.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
PAIRS = {"ons_indicator_16-9-1.csv": "ons_indicator_16-9-1.xlsx",
         "nz_constructed_remand_by_ethnicity.csv": "nz_constructed_remand_by_ethnicity.xlsx"}


def build(source: Path, out: Path) -> None:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    year, value = header.index("Year"), header.index("Value")
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(header)
    for row in rows[1:]:
        cells: list[object] = list(row)
        cells[year] = int(row[year])
        cells[value] = float(row[value]) if row[value] else None
        sheet.append(cells)
    book.save(out)


if __name__ == "__main__":
    for src, dst in PAIRS.items():
        build(HERE / src, HERE / dst)
