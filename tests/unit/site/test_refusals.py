"""Bad requests are refused with the field named, and nothing is written or deleted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from nmrf_desktop.reports.site.writer import MANIFEST
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.site import PublishError, PublishRequest, publish


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b""
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize(("request_of", "field", "words"), [
    (lambda d: PublishRequest(d / "notes.txt"), "out", "is not a folder"),
    (lambda d: PublishRequest(d / "theirs"), "out", "is not empty and holds no site"),
    (lambda d: PublishRequest(d / "missing" / "site"), "out", "does not exist"),
    (lambda d: PublishRequest(d / "broken"), "out", "cannot be read"),
    (lambda d: PublishRequest(d / "site", lang="fr"), "lang", "unknown site language 'fr'"),
    (lambda d: PublishRequest(d / "site", base_url="monitor.example.govt.nz"), "base_url",
     "absolute http:// or https:// address"),
    (lambda d: PublishRequest(d / "site", base_url="ftp://example.govt.nz/"), "base_url",
     "not 'ftp://example.govt.nz/'"),
    (lambda d: PublishRequest(d / "site", base_url="https://example.govt.nz/?page=1"),
     "base_url", "no query or fragment"),
], ids=["a-file", "foreign-folder", "no-parent", "broken-manifest", "bad-lang",
        "relative-url", "ftp-url", "url-with-query"])
def test_bad_requests_write_nothing(record: Record, tmp_path: Path,
                                    request_of: Callable[[Path], PublishRequest], field: str,
                                    words: str) -> None:
    (tmp_path / "notes.txt").write_text("kia ora", encoding="utf-8")
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "index.html").write_text("<p>their site</p>", encoding="utf-8")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / MANIFEST).write_text(json.dumps({"files": ["../x"]}), "utf-8")
    (tmp_path / "broken" / "page.html").write_text("kept", encoding="utf-8")
    before = _tree(tmp_path)
    with pytest.raises(PublishError, match=words) as caught:
        publish(record, request_of(tmp_path))
    assert caught.value.field == field
    assert _tree(tmp_path) == before


def test_an_empty_record_publishes_a_site_with_no_recommendations(record: Record,
                                                                   tmp_path: Path) -> None:
    result = publish(record, PublishRequest(tmp_path / "site"))
    assert (result.recommendations, result.removed) == (0, 0)
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "pagefind" / "pagefind-ui.js").is_file()
    assert result.pages == len(list((tmp_path / "site").glob("**/*.html"))) - len(
        list((tmp_path / "site" / "pagefind").glob("**/*.html")))
