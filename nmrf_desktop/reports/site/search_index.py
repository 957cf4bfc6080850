"""The site's search index, built by Pagefind's indexer (the binary `pagefind[bin]`
installs, found by pagefind_bin) over the written pages; search then runs in the
visitor's browser, with no server.

Pagefind (1.5) indexes each word also in its form without diacritics, so "Maori" finds
"Māori". Its output is written to a temporary folder and handed back as files, for the
site's writer to put only those that changed.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pagefind_bin import get_executable

log = logging.getLogger(__name__)

BUNDLE = "pagefind"  # the index's folder in the site


class IndexFailed(Exception):
    """Pagefind could not index the site."""


def build_index(site: Path, lang: str) -> Iterator[tuple[str, bytes]]:
    """Index the pages in `site` (those marked data-pagefind-body); yield each file of the
    search bundle as (site path, bytes), in a stable order."""
    with tempfile.TemporaryDirectory(prefix="nmrf-pagefind-") as work:
        bundle = Path(work) / BUNDLE
        try:  # the indexer the pagefind package ships (`python -m pagefind` runs it too)
            indexer = str(get_executable())
        except FileNotFoundError as exc:
            raise IndexFailed(f"the search indexer (Pagefind) is missing: {exc}") from exc
        command = [indexer, "--site", str(site), "--output-path",
                   str(bundle), "--keep-index-url", "--force-language", lang, "--quiet"]
        log.info("indexing %s for search (Pagefind)", site)
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=3600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise IndexFailed(f"the search indexer (Pagefind) did not run: {exc}") from exc
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise IndexFailed("the search indexer (Pagefind) failed: " + " / ".join(detail))
        for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
            yield f"{BUNDLE}/{path.relative_to(bundle).as_posix()}", path.read_bytes()
