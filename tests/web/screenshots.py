"""The README's screenshots of the public site, from headless Chromium at 1280 pixels wide:
the home page, a recommendation page and a search's results.

    .venv/bin/python -m tests.web.screenshots [resources/screenshots]

Publishes the browser tests' record (tests/web/site_data.py) into a temporary folder,
serves it on 127.0.0.1 and writes site-home.png, site-recommendation.png, site-search.png.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

from nmrf_desktop.reports.site import paths
from tests.web import pages, site_data
from tests.web.browser import open_page, serve, wait_for
from tests.web.conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, WIDTH

log = logging.getLogger(__name__)
HEIGHTS = {"site-home.png": 1500, "site-recommendation.png": 1400, "site-search.png": 1000}


def chromium(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def shoot(driver: Any, out: Path, name: str) -> None:
    driver.set_window_size(WIDTH, HEIGHTS[name])
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(out / name))
    log.info("wrote %s (%d bytes)", out / name, (out / name).stat().st_size)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = Path(argv[0] if argv else "resources/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = site_data.build(Path(tmp) / "site", Path(tmp) / "record.sqlite3")
        driver = chromium(Path(tmp) / "profile")
        try:
            with serve(site.out) as server:
                open_page(driver, server + paths.HOME)
                shoot(driver, out, "site-home.png")
                open_page(driver, server + pages.richest_recommendation(site))
                shoot(driver, out, "site-recommendation.png")
                open_page(driver, server + paths.SEARCH)
                box = wait_for(lambda: driver.find_element(
                    "css selector", "input.pagefind-ui__search-input"))
                box.send_keys("Māori")
                wait_for(lambda: driver.find_elements(
                    "css selector", "a.pagefind-ui__result-link"), what="results")
                driver.execute_script("document.activeElement.blur()")
                shoot(driver, out, "site-search.png")
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
