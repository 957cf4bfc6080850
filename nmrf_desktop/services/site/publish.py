"""`publish`: the public site from the record's public subset, written into a folder —
only the files whose bytes changed, the previous site's missing pages removed, the search
index rebuilt."""

from __future__ import annotations

import logging
from pathlib import Path

from nmrf_desktop.reports.site.open_data import data_files
from nmrf_desktop.reports.site.pages import Plan
from nmrf_desktop.reports.site.paths import CSS, SITEMAP, sitemap
from nmrf_desktop.reports.site.render import Renderer
from nmrf_desktop.reports.site.search_index import BUNDLE, IndexFailed, build_index
from nmrf_desktop.reports.site.writer import SiteWriter, UnsafeFolder, check_folder
from nmrf_desktop.services.progress import NO_PROGRESS, Progress
from nmrf_desktop.services.record import Record
from nmrf_desktop.services.site.gather import gather_site
from nmrf_desktop.services.site.request import (
    PublishError,
    PublishRequest,
    PublishResult,
    checked_base_url,
    checked_lang,
)

log = logging.getLogger(__name__)


def publish(record: Record, request: PublishRequest,
            progress: Progress = NO_PROGRESS) -> PublishResult:
    """Write the public site into `request.out` (made if missing). Refuses, writing nothing,
    a bad language or base URL, and a folder that holds anything but a site it made."""
    lang = checked_lang(request.lang)
    base_url = checked_base_url(request.base_url)
    out = Path(request.out)
    try:
        previous, complete = check_folder(out)
    except UnsafeFolder as exc:
        raise PublishError(str(exc), "out") from None
    with record.reading() as session:
        data = gather_site(session, progress)
    renderer = Renderer(lang, base_url)
    files = data_files(data.tables, data.last_change)
    plan = Plan(data, [f for f, _b in files], renderer.chrome)
    out.mkdir(exist_ok=True)
    writer = SiteWriter(out, previous, complete)
    try:
        progress.start(plan.count + len(files) + 1, "Writing the site")
        writer.put(CSS, renderer.static("site.css"))
        for info, content in files:
            writer.put(info.path, content)
        progress.advance(len(files) + 1)
        written: list[str] = []
        for page in plan.pages():
            writer.put(page.path, renderer.render(page))
            written.append(page.path)
            progress.advance()
        pages = len(written)
        if base_url:
            writer.put(SITEMAP, sitemap(base_url, written))
        writer.remove_missing(skip_prefix=f"{BUNDLE}/")
        # No page changed: the index Pagefind would build is the one there (its output is
        # the same for the same pages), so it is kept rather than built again.
        if writer.pages_changed or not writer.keep(f"{BUNDLE}/"):
            progress.start(0, "Building the search index")
            for rel, content in build_index(out, lang):
                writer.put(rel, content)
        writer.finish()
        index_bytes = sum((out / r).stat().st_size for r in writer.files
                          if r.startswith(f"{BUNDLE}/"))
    except IndexFailed as exc:
        writer.abandon()
        raise PublishError(str(exc), "out") from None
    except OSError as exc:
        writer.abandon()
        raise PublishError(f"cannot write the site into {out}: {exc.strerror or exc}",
                           "out") from None
    except BaseException:
        writer.abandon()
        raise
    progress.finish()
    log.info("published %d recommendations, %d pages to %s", len(data.recs), pages, out)
    return PublishResult(out, len(data.recs), pages, writer.written, writer.unchanged,
                         writer.removed, index_bytes, data.left_out)
