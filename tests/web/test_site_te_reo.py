"""The site published with te reo Māori chrome (`--lang mi`): the pages say lang="mi", the
menus are in te reo Māori, axe-core finds no violation, and search works the same."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from nmrf_desktop.reports.site import paths
from nmrf_desktop.services.record import open_record
from nmrf_desktop.services.site import PublishRequest, publish
from tests.web import pages
from tests.web.browser import axe_violations, describe, open_page, serve, wait_for
from tests.web.site_data import PublishedSite

pytestmark = pytest.mark.slow  # a second publish of the record, about 7 s


@pytest.fixture(scope="module")
def site_mi(site: PublishedSite, tmp_path_factory: pytest.TempPathFactory) -> PublishedSite:
    record = open_record(site.db)
    try:
        result = publish(record, PublishRequest(out=tmp_path_factory.mktemp("mi") / "site",
                                                lang="mi"))
    finally:
        record.close()
    return PublishedSite(result.folder, site.db, site.references, site.indicator,
                         result.pages, result.recommendations, 0.0)


@pytest.fixture(scope="module")
def server_mi(site_mi: PublishedSite) -> Iterator[str]:
    with serve(site_mi.out) as url:
        yield url


@pytest.mark.parametrize("kind", ["home", "recommendation", "indicator", "search"])
def test_te_reo_pages_have_no_axe_violations(kind: str, site_mi: PublishedSite,
                                             server_mi: str, browser: Any) -> None:
    path = {"home": paths.HOME, "search": paths.SEARCH,
            "recommendation": pages.richest_recommendation(site_mi),
            "indicator": pages.indicator_page(site_mi)}[kind]
    open_page(browser, server_mi + path)
    assert browser.execute_script("return document.documentElement.lang") == "mi"
    nav = browser.find_element(By.CSS_SELECTOR, "nav").text
    assert "Kāinga" in nav and "Rapu" in nav, nav  # Home, Search
    violations = axe_violations(browser)
    assert violations == [], f"axe-core on the te reo Māori {path}:\n{describe(violations)}"


def test_te_reo_site_search_finds_maori(site_mi: PublishedSite, server_mi: str,
                                        browser: Any) -> None:
    open_page(browser, server_mi + paths.SEARCH)
    box = wait_for(lambda: browser.find_element(By.CSS_SELECTOR,
                                                "input.pagefind-ui__search-input"),
                   what="the search box")
    box.send_keys("Māori")
    links = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR,
                                                   "a.pagefind-ui__result-link"),
                     what="search results on the te reo Māori site")
    assert any("/recommendations/" in str(a.get_attribute("href")) for a in links)
