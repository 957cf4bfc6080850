"""Which page of the published site a test looks at, found in the folder it was written to."""

from __future__ import annotations

from nmrf_desktop.reports.site import paths
from tests.web.site_data import ACTION_TITLE, PublishedSite


def _html(site: PublishedSite, folder: str) -> list[str]:
    found = sorted(p.relative_to(site.out).as_posix() for p in (site.out / folder).glob("*.html")
                   if p.name != "index.html")
    assert found, f"the site has no pages in {folder}/"
    return found


def richest_recommendation(site: PublishedSite) -> str:
    """A recommendation page with a public action, progress and an indicator on it."""
    for path in _html(site, "recommendations"):
        text = (site.out / path).read_text(encoding="utf-8")
        if ACTION_TITLE in text and site.references[0] in text:
            return path
    raise AssertionError(f"no recommendation page shows {site.references[0]} with its action")


def indicator_page(site: PublishedSite) -> str:
    wanted = paths.indicator(paths.slug(site.indicator))
    if (site.out / wanted).is_file():
        return wanted
    return _html(site, "indicators")[0]


def facet_value_page(site: PublishedSite, facet: str) -> str:
    """The first value page of a browse facet (its first page, where there are several)."""
    return _html(site, f"browse/{facet}")[0]
