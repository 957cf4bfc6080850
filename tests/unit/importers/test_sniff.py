"""The kind of a data file, told from its content: UPR Info in every shape, the Human Rights
Index's export, the product's template; anything else is not known (the person chooses)."""

from __future__ import annotations

from pathlib import Path

from nmrf_desktop.domain.records import Filters
from nmrf_desktop.importers.sniff import TEMPLATE, UHRI, UPR_INFO, Sniffed, sniff
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.workbook.exporting import export_template
from tests.conftest import NZ_CSV
from tests.unit.importers.biff8 import write_xls
from tests.unit.importers.test_upr_info_shapes import NATIVE, TODAY, nz_rows, write_xlsx
from tests.unit.importers.uhri_workbook import CORRECT, row, write_uhri


def test_upr_info_in_every_shape(tmp_path: Path) -> None:
    rows = [NATIVE, *nz_rows()[:5]]
    assert sniff(NZ_CSV) == Sniffed(UPR_INFO, "csv")
    assert sniff(write_xls(tmp_path / "nz.xls", rows)) == Sniffed(UPR_INFO, "xls")
    assert sniff(write_xlsx(tmp_path / "nz.xlsx", rows)) == Sniffed(UPR_INFO, "xlsx")
    titled = write_xlsx(tmp_path / "today.xlsx", [["UPR Info database"], [], TODAY])
    assert sniff(titled) == Sniffed(UPR_INFO, "xlsx")
    # a name says nothing: an .xlsx saved with a .dat name is still read for what it is
    renamed = tmp_path / "export.dat"
    renamed.write_bytes((tmp_path / "nz.xlsx").read_bytes())
    assert sniff(renamed).kind == UPR_INFO


def test_the_human_rights_index_export_and_the_template(tmp_path: Path,
                                                        nz_record: Record) -> None:
    lead = [["Universal Human Rights Index - export"], []]
    uhri = write_uhri(tmp_path / "uhri.xlsx", [row(Text="26.1 Ratify it")], lead_rows=lead)
    assert sniff(uhri) == Sniffed(UHRI, "xlsx")
    assert sniff(write_uhri(tmp_path / "uhri2.xlsx", [], header=CORRECT)).kind == UHRI
    # the Index's export saved as CSV is told too (its importer then says to use the .xlsx)
    saved = tmp_path / "uhri.csv"
    saved.write_text(",".join(CORRECT) + "\n26.1 Ratify it,- New Zealand\n", encoding="utf-8")
    assert sniff(saved) == Sniffed(UHRI, "csv")
    template = tmp_path / "template.xlsx"
    assert export_template(nz_record, Filters(), template) == 228
    assert sniff(template) == Sniffed(TEMPLATE, "xlsx")


def test_what_is_none_of_them_is_not_known(tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.7\n\x00\x01\x02 binary")
    other = write_xlsx(tmp_path / "budget.xlsx", [["Item", "Cost"], ["Tea", 3]])
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    folder = tmp_path / "folder"
    folder.mkdir()
    assert [sniff(p) for p in (pdf, other, damaged, folder, tmp_path / "missing.csv")] == [
        Sniffed("", ""), Sniffed("", "xlsx"), Sniffed("", "xlsx"), Sniffed("", ""),
        Sniffed("", "")]
