"""The by-cluster PDF: one section per cluster, its members and reasons; read back with pypdf."""

from __future__ import annotations

from pathlib import Path

import pypdf

from nmrf_desktop.services import overlap
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.reports.pdf import build_pdf
from nmrf_desktop.services.reports.request import ReportRequest

from .conftest import pdf_text


def test_clusters_pdf_lists_every_cluster_with_members_and_reasons(
        nz_record: Record, tmp_path: Path) -> None:
    overlap.update(nz_record)
    found = overlap.cluster_summaries(nz_record)
    out = tmp_path / "clusters.pdf"
    result = build_pdf(nz_record, ReportRequest(kind="clusters"), out)
    assert result.recommendations == sum(c.size for c in found)
    text = pdf_text(out)
    assert "Overlapping recommendations by cluster" in text
    assert f"Cluster {len(found)}:" in text
    for c in found:
        assert all(m.reference in text for m in c.members)
    assert "ratify the Migrant Workers Convention (ICRMW)" in text
    assert "shared key phrases" in text and "No update" in text
    outline = [o.title for o in pypdf.PdfReader(out).outline if not isinstance(o, list)]
    assert outline[:2] == ["Cover", f"Cluster 1: {found[0].size} recommendations"]


def test_clusters_pdf_before_detection_says_so(nz_record: Record, tmp_path: Path) -> None:
    out = tmp_path / "none.pdf"
    assert build_pdf(nz_record, ReportRequest(kind="clusters"), out).recommendations == 0
    assert "No overlap clusters" in pdf_text(out)


def test_clusters_from_the_command_line(run_cli, report_record: Record,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    overlap.update(report_record)
    out = tmp_path / "cli.pdf"
    assert run_cli("report", "pdf", "--kind", "clusters", "--out", str(out)) == 0
    assert "Cluster 1:" in pdf_text(out)
