"""Search runs in the visitor's browser (Pagefind, no server): "Māori" and "Maori" both find
recommendations, and a result opens its page."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from nmrf_desktop.reports.site import paths
from tests.web.browser import open_page, wait_for
from tests.web.site_data import PublishedSite

INPUT = "input.pagefind-ui__search-input"
RESULT = "a.pagefind-ui__result-link"
MESSAGE = ".pagefind-ui__message"
EXCERPT = ".pagefind-ui__result-excerpt"


def search(browser: Any, server: str, query: str) -> list[Any]:
    """Type `query` into the search page's box; the result links once they are shown."""
    open_page(browser, server + paths.SEARCH)
    box = wait_for(lambda: browser.find_element(By.CSS_SELECTOR, INPUT),
                   what="the search box (Pagefind UI) to appear")
    box.send_keys(query)
    return wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, RESULT),
                    what=f"search results for {query!r}")


@pytest.mark.parametrize("query", ["Māori", "Maori"])
def test_search_finds_recommendations_with_and_without_the_macron(
        query: str, site: PublishedSite, server: str, browser: Any) -> None:
    links = search(browser, server, query)
    hrefs = [str(a.get_attribute("href")) for a in links]
    assert any("/recommendations/" in h for h in hrefs), hrefs
    assert all(h.startswith(server) for h in hrefs), "results point off the site"
    message = browser.find_element(By.CSS_SELECTOR, MESSAGE).text
    found = wait_for(lambda: [int(n.replace(",", "")) for n in message.split()
                              if n.replace(",", "").isdigit()], what="the result count")
    # UPR Info writes "Maori" (most of the 228); the treaty body writes "Māori".
    assert found[0] >= 10, message
    excerpts = [e.text.casefold() for e in browser.find_elements(By.CSS_SELECTOR, EXCERPT)]
    assert excerpts and all("maori" in e or "māori" in e for e in excerpts), excerpts


def test_a_result_opens_its_recommendation(site: PublishedSite, server: str,
                                           browser: Any) -> None:
    links = search(browser, server, "whānau")
    target = next(a for a in links if "/recommendations/" in str(a.get_attribute("href")))
    href = str(target.get_attribute("href"))
    target.click()
    wait_for(lambda: browser.current_url == href, what=f"{href} to open")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading, "the recommendation page has no heading"
