"""axe-core (WCAG 2.0 and 2.1, A and AA) finds no violation on any kind of page of the
published site: home, a recommendation, every browse page type (its index and one value
page each), the indicators, the open data page, about and search."""

from __future__ import annotations

from typing import Any

import pytest

from nmrf_desktop.reports.site import paths
from nmrf_desktop.reports.site.facets import FACETS
from tests.web import pages
from tests.web.browser import axe_violations, describe, open_page
from tests.web.site_data import PublishedSite

FIXED = {"home": paths.HOME, "browse": paths.BROWSE, "indicators": paths.INDICATORS,
         "data": paths.DATA, "about": paths.ABOUT, "search": paths.SEARCH}
KINDS = [*FIXED, "recommendation", "indicator",
         *(f"browse/{facet}" for facet in FACETS), *(f"browse/{facet}/value" for facet in FACETS)]


def page_of(site: PublishedSite, kind: str) -> str:
    """The site path of one page of this kind."""
    if kind in FIXED:
        return FIXED[kind]
    if kind == "recommendation":
        return pages.richest_recommendation(site)
    if kind == "indicator":
        return pages.indicator_page(site)
    facet = kind.split("/")[1]
    return pages.facet_value_page(site, facet) if kind.endswith("/value") \
        else paths.facet_index(facet)


@pytest.mark.parametrize("kind", KINDS)
def test_no_axe_violations(kind: str, site: PublishedSite, server: str, browser: Any) -> None:
    path = page_of(site, kind)
    assert (site.out / path).is_file(), f"the site has no {path}"
    open_page(browser, server + path)
    assert browser.execute_script("return document.documentElement.lang") in ("en", "mi")
    violations = axe_violations(browser)
    assert violations == [], f"axe-core on {path}:\n{describe(violations)}"
