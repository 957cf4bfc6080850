"""A keyboard-only walk (Tab and Enter, nothing else): the skip link comes first and takes
focus to the main content; the navigation reaches the search box; a result opens a
recommendation's page. Focus is visible at each step."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from nmrf_desktop.reports.site import paths
from tests.web.browser import active, open_page, outer, wait_for
from tests.web.site_data import PublishedSite

MAX_TABS = 60
_FOCUS_SHOWN = """
const el = arguments[0], s = getComputedStyle(el), r = el.getBoundingClientRect();
const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
             || s.boxShadow !== 'none';
return ring && r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
"""


def press(browser: Any, key: str) -> Any:
    """Press one key wherever the focus is; the element focused after it."""
    ActionChains(browser).send_keys(key).perform()
    return active(browser)


def tab_to(browser: Any, wanted: str, what: str) -> Any:
    """Tab until the focused element matches the CSS selector `wanted`."""
    for _ in range(MAX_TABS):
        element = press(browser, Keys.TAB)
        if browser.execute_script("return arguments[0].matches(arguments[1])", element,
                                  wanted):
            return element
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {what}; focus is on "
                         f"{outer(active(browser))}")


def focus_shown(browser: Any, element: Any) -> bool:
    return bool(browser.execute_script(_FOCUS_SHOWN, element))


def test_the_skip_link_comes_first_and_skips_to_the_content(site: PublishedSite, server: str,
                                                            browser: Any) -> None:
    open_page(browser, server + paths.HOME)
    skip = press(browser, Keys.TAB)
    assert skip.get_attribute("class") == "skip" and str(skip.get_attribute("href")).endswith(
        "#main"), outer(skip)
    assert focus_shown(browser, skip), "the focused skip link is not shown with a ring"
    landed = press(browser, Keys.ENTER)
    assert landed.get_attribute("id") == "main", outer(landed)
    inside = press(browser, Keys.TAB)  # the next stop is inside the content, not the menu
    assert browser.execute_script("return !!arguments[0].closest('main')", inside), \
        outer(inside)
    assert focus_shown(browser, inside), f"no visible focus on {outer(inside)}"


def test_keyboard_alone_reaches_the_search_and_a_recommendation(
        site: PublishedSite, server: str, browser: Any) -> None:
    open_page(browser, server + paths.HOME)
    link = tab_to(browser, f"nav a[href$='{paths.SEARCH}']", "the Search link")
    assert focus_shown(browser, link), f"no visible focus on {outer(link)}"
    press(browser, Keys.ENTER)
    wait_for(lambda: browser.current_url == server + paths.SEARCH, what="the search page")
    box = wait_for(lambda: browser.execute_script(
        "const a = document.activeElement; "
        "return a && a.matches('input.pagefind-ui__search-input') ? a : null"),
        what="the search box to have the focus")
    box.send_keys("Māori")
    wait_for(lambda: browser.find_elements("css selector", "a.pagefind-ui__result-link"),
             what="search results")
    result = tab_to(browser, "a.pagefind-ui__result-link[href*='/recommendations/']",
                    "a recommendation among the results")
    assert focus_shown(browser, result), f"no visible focus on {outer(result)}"
    href = str(result.get_attribute("href"))
    press(browser, Keys.ENTER)
    wait_for(lambda: browser.current_url == href, what=f"{href} to open")
    assert "/recommendations/" in browser.current_url
    assert browser.find_element("tag name", "h1").text
