"""The site's open data: the public tables as CSV, one XLSX workbook and one JSON file,
made byte-for-byte the same from the same record, and the data dictionary that explains
every column."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from nmrf_desktop.reports.public_files import Table, write_csv, write_xlsx

XLSX = "data/nmrf-public.xlsx"
JSON = "data/nmrf-public.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


@dataclass(frozen=True, slots=True)
class DataFile:
    """One download as the data page lists it."""

    path: str
    format: str
    rows: int | None  # a table's rows (None: the workbook and JSON hold every table)
    table: str = ""


DICTIONARY: dict[str, tuple[tuple[str, str], ...]] = {
    "recommendations": (
        ("reference", "The recommendation's stable reference in this record"),
        ("mechanism", "UPR, treaty body or special procedure"),
        ("body", "The body that made it: UPR, CRC, CEDAW, …"),
        ("session", "The UPR session"), ("cycle", "The UPR cycle"),
        ("year", "The year it was made"),
        ("document_symbol", "The UN document it is in, e.g. A/HRC/41/4"),
        ("paragraph", "Its paragraph in that document"),
        ("text", "The recommendation, as the UN published it"),
        ("position", "The Government's position: supported, supported in part, noted"),
        ("recommending_states", "The states that made it (UPR), separated by '; '"),
        ("themes", "Its themes, separated by '; '"),
        ("affected_groups", "The groups it concerns, separated by '; '"),
        ("sdgs", "Sustainable Development Goals and targets, separated by '; '"),
        ("te_tiriti", "Marked relevant to Te Tiriti o Waitangi"),
        ("public_status", "The status given by its latest public progress update"),
        ("public_status_as_of", "The date of that update"),
    ),
    "progress": (
        ("reference", "The recommendation"), ("agency", "The agency that reported"),
        ("status", "The implementation status reported"), ("as_of", "The date it refers to"),
        ("narrative", "What the agency said (public updates only)"),
    ),
    "actions": (
        ("action_id", "The action's stable identifier"), ("agency", "The agency doing it"),
        ("title", "What it is called"), ("description", "What it does"),
        ("kind", "Legislation, policy, programme, funding, research, …"),
        ("status", "Planned, in progress, completed, …"),
        ("start_date", "When it started"), ("target_date", "When it is due"),
        ("completed_date", "When it was completed"),
        ("recommendations", "The recommendations it answers, separated by '; '"),
    ),
    "evidence": (
        ("name", "The evidence file's name"), ("date", "When it was recorded"),
        ("sha256", "The SHA-256 of the file, to check a copy against"),
        ("action", "The public action it belongs to, if any"),
        ("recommendation", "The recommendation it belongs to, if not an action"),
    ),
    "indicators": (
        ("code", "The indicator's code"), ("title", "Its title"),
        ("title_mi", "Its title in te reo Māori"), ("kind", "Outcome, output, …"),
        ("unit", "The unit of its values"), ("sdg", "The SDG indicator it maps to"),
        ("sdg_title", "That SDG indicator's title"), ("steward", "The agency that keeps it"),
        ("source", "Where the values come from"), ("method", "How they are measured"),
        ("baseline", "The baseline value (period)"), ("target", "The target value by period"),
        ("recommendations", "The recommendations it is linked to"),
        ("overlap_clusters", "The overlap clusters it is linked to"),
        ("maori_data_governance", "For Māori data: who governs it"),
    ),
    "indicator_values": (
        ("code", "The indicator"), ("period", "The period the value is for"),
        ("disaggregation", "The breakdown (e.g. 'Ethnicity: Māori'), or Total"),
        ("units", "The units of the value"), ("value", "The value"),
        ("status", "Provisional or final"), ("observation_status", "As the source flags it"),
        ("trend", "The series' trend in words"),
    ),
}


def _json_value(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _stable_xlsx(raw: bytes, stamp: str) -> bytes:
    """The workbook with its zip times and document dates fixed: the same bytes each time."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            fixed = zipfile.ZipInfo(info.filename, _EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def listing(tables: list[Table]) -> list[DataFile]:
    """The downloads as the data page lists them, in the order `data_files` makes them."""
    return [*(DataFile(f"data/{t.name}.csv", "CSV", len(t.rows), t.name) for t in tables),
            DataFile(XLSX, "XLSX", None), DataFile(JSON, "JSON", None)]


def data_files(tables: list[Table], last_change: dt.date | None
               ) -> list[tuple[DataFile, bytes]]:
    """Each table as CSV, then the workbook and the JSON file of every table."""
    stamp = f"{(last_change or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"
    files = listing(tables)
    contents: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix="nmrf-site-data-") as work:
        folder = Path(work)
        for table in tables:
            write_csv(folder / f"{table.name}.csv", table)
            contents.append((folder / f"{table.name}.csv").read_bytes())
        write_xlsx(folder / "book.xlsx", tables)
        contents.append(_stable_xlsx((folder / "book.xlsx").read_bytes(), stamp))
    document = {
        "last_change": last_change.isoformat() if last_change else None,
        "tables": {t.name: [{h: _json_value(v) for h, v in zip(t.headers, row, strict=True)}
                            for row in t.rows] for t in tables},
    }
    text = json.dumps(document, ensure_ascii=False, indent=1, default=str) + "\n"
    contents.append(text.encode("utf-8"))
    return list(zip(files, contents, strict=True))
