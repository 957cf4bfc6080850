"""`nmrf publish`: a te reo Māori site at its address; refusals are one line, exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nmrf_desktop.cli import main as cli

from .conftest import Site


@pytest.mark.slow
def test_publish_te_reo_site_with_base_url(site: Site, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mi"
    code = cli.main(["--db", str(site.db), "publish", "--out", str(out), "--lang", "mi",
                     "--base-url", "https://monitor.example.govt.nz/nmrf"])
    said = capsys.readouterr()
    assert code == 0 and said.err == ""
    assert re.fullmatch(r"published 230 recommendations as \d+ pages to \S+: \d+ files "
                        r"written, 0 unchanged, 0 removed; search index [\d,]+ bytes\n",
                        said.out)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="mi">' in home
    assert '<link rel="canonical" href="https://monitor.example.govt.nz/nmrf/index.html">' \
        in home
    assert ">Kāinga</a>" in home and '<span lang="en">Skip to main content</span>' in home
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>https://monitor.example.govt.nz/nmrf/") == len(
        [p for p in out.rglob("*.html") if "pagefind" not in p.parts])
    page = next((out / "recommendations").glob("*.html")).read_text(encoding="utf-8")
    assert '<blockquote class="rec-text" lang="en">' in page


def test_publish_refusal_is_one_line(site: Site, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "theirs.txt").write_text("kia ora", encoding="utf-8")
    code = cli.main(["--db", str(site.db), "publish", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"nmrf: {tmp_path} is not empty and holds no site made by")
    assert [p.name for p in tmp_path.iterdir()] == ["theirs.txt"]
