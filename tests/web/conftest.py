"""The public site in a real browser: the 228 New Zealand recommendations (with an
indicator, actions and progress; see site_data) published once per run, served by
`python -m http.server` on 127.0.0.1, and driven in Debian's headless Chromium through
chromedriver (Selenium).

Skipped, saying why, when chromium, chromedriver or tests/web/node_modules/axe-core is
missing (`npm ci` in tests/web installs axe-core; CI installs all three).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web import site_data
from tests.web.browser import AXE, serve

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("NMRF_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NMRF_CHROMEDRIVER", "/usr/bin/chromedriver")
WIDTH, HEIGHT = 1280, 900
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--lang=en-NZ",
                  f"--window-size={WIDTH},{HEIGHT}")


def _missing_browser() -> str:
    """Why no browser test can run here ('' when they can)."""
    for path, what in ((CHROMIUM, "Debian's chromium"), (CHROMEDRIVER, "chromedriver "
                                                          "(Debian's chromium-driver)")):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return f"{what} is not installed at {path}"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return ""


def _missing_axe() -> str:
    if not AXE.is_file():
        return f"axe-core is not installed: run `npm ci` in {HERE} ({AXE} is missing)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser, axe = _missing_browser(), _missing_axe()
    for item in items:
        path = Path(str(item.fspath))
        if HERE not in path.parents:
            continue
        reason = browser or (axe if "_axe_" in item.name else "")
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> site_data.PublishedSite:
    """The site published once per run: xdist workers share it through a lock in the run's
    temporary folder (the first builds it, the others read the marker it leaves)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "nmrf-public-site"
    with _locked(shared / "nmrf-public-site.lock"):
        built = site_data.read_marker(folder)
        if built is None:
            if folder.exists():
                shutil.rmtree(folder)
            built = site_data.build(folder, shared / "nmrf-site-record.sqlite3")
    return built


@pytest.fixture(scope="session")
def server(site: site_data.PublishedSite) -> Iterator[str]:
    """The site served on 127.0.0.1 (a free port), as a base URL ending in '/'."""
    with serve(site.out) as url:
        yield url


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Chromium through chromedriver, with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(90)
    try:
        yield driver
    finally:
        driver.quit()
