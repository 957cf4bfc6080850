"""The site holds only what may be published — in every file, the search index included —
and publishing is deterministic and incremental."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from nmrf_desktop.domain.entry import ProgressDraft
from nmrf_desktop.domain.enums import ImplementationStatus
from nmrf_desktop.domain.records import Filters
from nmrf_desktop.reports.site.writer import MANIFEST
from nmrf_desktop.services import entry
from nmrf_desktop.services.catalog import search_recommendations
from nmrf_desktop.services.indicator_release import set_release
from nmrf_desktop.services.progress import Cancelled
from nmrf_desktop.services.site import PublishRequest, publish

from .conftest import LEAKS, PUBLIC, SECRET_SERIES, SECRET_TITLE, Site, copy_record, site_files


def _texts(out: Path) -> dict[str, str]:
    """Every file as text: workbooks unzipped, the search index decompressed."""
    texts = {}
    for name, data in site_files(out).items():
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(BytesIO(data)) as book:
                data = b"\n".join(book.read(n) for n in book.namelist())
        texts[name] = data.decode("utf-8", errors="replace")
    return texts


def test_no_private_data_in_any_file(site: Site) -> None:
    texts = _texts(site.out)
    fragments = [n for n in texts if n.endswith(".pf_fragment")]
    assert len(fragments) >= 229 and any(n.endswith(".pf_index") for n in texts)
    for name, text in texts.items():
        for leak in LEAKS:
            assert leak not in text, f"{leak!r} leaked into {name}"
    # What is public is there, in the pages, the data and the search index alike.
    page = texts[f"recommendations/{site.maori[0].lower()}.html"]
    assert PUBLIC.replace("'", "&#39;") in page and "Whānau Ora expansion" in page
    assert "public-cabinet-paper.txt" in page and "In progress" in page
    assert "Implemented" not in page.replace("implemented", "")
    assert any(PUBLIC in texts[n] for n in fragments)
    assert PUBLIC in texts["data/progress.csv"] and PUBLIC in texts["data/nmrf-public.json"]
    assert "PRIS-REMAND" in texts["indicators/pris-remand.html"]
    assert "indicators/rangatahi-km.html" not in texts
    # The public indicator's series of Māori are Māori data, not released: withheld.
    assert "3 series withheld" in texts["indicators/pris-remand.html"]
    for name in ("indicators/pris-remand.html", "data/indicator_values.csv"):
        assert "Māori, Female" not in texts[name] and "Ethnicity: Māori" not in texts[name]
    assert "Pacific peoples, Female" in texts["indicators/pris-remand.html"]


@pytest.mark.slow
def test_withheld_maori_series_appear_once_released(site: Site, tmp_path: Path) -> None:
    record = copy_record(site.db, tmp_path)
    try:
        set_release(record, "RANGATAHI-KM", True, reason="the rōpū agreed")
        publish(record, PublishRequest(tmp_path / "site"))
        released = _texts(tmp_path / "site")
        assert SECRET_TITLE in released["indicators/rangatahi-km.html"]
        assert SECRET_SERIES in released["data/indicator_values.csv"]
        set_release(record, "RANGATAHI-KM", False, reason="withdrawn")
        result = publish(record, PublishRequest(tmp_path / "site"))
        assert result.removed >= 1
        withdrawn = _texts(tmp_path / "site")
        assert "indicators/rangatahi-km.html" not in withdrawn
        assert not [n for n, text in withdrawn.items() if SECRET_SERIES in text]
    finally:
        record.close()


@pytest.mark.slow
def test_publishing_twice_gives_identical_bytes(site: Site, tmp_path: Path) -> None:
    again = publish(site.record, PublishRequest(tmp_path / "again"))
    first, second = site_files(site.out), site_files(tmp_path / "again")
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []
    assert (again.pages, again.recommendations) == (site.result.pages, 230)
    same = publish(site.record, PublishRequest(site.out))
    assert (same.written, same.removed) == (0, 0)
    assert same.unchanged == site.result.written == len(first) - 1  # all but the manifest


@pytest.mark.slow
def test_a_change_rewrites_only_the_pages_it_touches(site: Site, tmp_path: Path) -> None:
    record = copy_record(site.db, tmp_path)
    try:
        out = tmp_path / "site"
        publish(record, PublishRequest(out))
        (out / "notes.txt").write_text("the web team's own file", encoding="utf-8")
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        (out / "browse" / "theme" / "gone.html").write_text("old page", encoding="utf-8")
        manifest["files"].append("browse/theme/gone.html")
        (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        before = site_files(out)
        target = search_recommendations(record, Filters(text="detention"), limit=1)[0]
        entry.add_progress(record, ProgressDraft(
            target.id, "MOJ", ImplementationStatus.ONGOING, "Ongoing: detention standards "
            "reviewed.", dt.date(2025, 6, 30), is_public=True))
        result = publish(record, PublishRequest(out))
        after = site_files(out)
    finally:
        record.close()
    changed = {n for n in after if before.get(n) != after[n]}
    pages = {n for n in changed if n.endswith(".html")}
    page = f"recommendations/{target.reference.lower()}.html"
    assert page in pages and "Ongoing: detention standards" in after[page].decode()
    assert not [n for n in pages if n.startswith("recommendations/") and n != page]
    # The pages that list it (its status is shown there), and the counts that moved.
    listing = {n for n, data in before.items() if n.startswith("browse/")
               and f"/{target.reference.lower()}.html" in data.decode()}
    moved = {"index.html", "data/index.html", "browse/index.html", "browse/status/index.html",
             "browse/status/ongoing.html", "browse/agency/index.html",
             "browse/agency/ministry-of-justice.html"}
    shifted = {n for n in pages if re.fullmatch(r"browse/status/no-public-update-\d+\.html", n)}
    assert pages - {page} - listing - moved - shifted == set()
    assert {"browse/status/ongoing.html", "index.html"} <= pages
    assert {"data/progress.csv", "data/recommendations.csv"} <= changed
    assert result.written == len(changed - {MANIFEST})
    assert result.unchanged == len(after) - 2 - result.written  # not the manifest, the notes
    # The old page and the search index's files renamed by their new content.
    gone = set(before) - set(after)
    assert "browse/theme/gone.html" in gone and result.removed == len(gone)
    assert {n.split("/")[0] for n in gone} == {"browse", "pagefind"}
    assert after["notes.txt"] == b"the web team's own file"


class _CancelAt:
    """A progress that cancels at its `at`th step, as the GUI's Cancel button does."""

    def __init__(self, at: int) -> None:
        self.at, self.done = at, 0

    def start(self, total: int, label: str = "") -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        if self.done >= self.at:
            raise Cancelled

    def finish(self) -> None:
        pass


@pytest.mark.slow
def test_a_cancelled_publish_is_finished_by_the_next(site: Site, tmp_path: Path) -> None:
    out = tmp_path / "site"
    with pytest.raises(Cancelled):  # while reading the record: nothing made
        publish(site.record, PublishRequest(out), _CancelAt(100))
    assert not out.exists()
    with pytest.raises(Cancelled):  # 230 read, 9 data files, then 91 pages written
        publish(site.record, PublishRequest(out), _CancelAt(330))
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["complete"] is False and not (out / "pagefind").exists()
    assert len(manifest["files"]) == len([p for p in out.rglob("*") if p.is_file()]) - 1
    result = publish(site.record, PublishRequest(out))
    assert result.unchanged == len(manifest["files"]) and result.removed == 0
    assert site_files(out) == site_files(site.out)
