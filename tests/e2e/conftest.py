"""Real-browser fixtures: `streamlit run app.py` on a free localhost port, driven by Debian's chromium.

With CI=true a missing browser fails the run; elsewhere the browser tests are skipped.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.app_server import ROOT, start_server, stop_server
from harness.browser import CHROMIUM, launch_chromium, wait_for_app

ARTIFACTS = ROOT / "tests" / "artifacts"


def _require_browser() -> None:
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    _require_browser()
    process, url = start_server()
    yield url
    stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def _record_console_error(page, message) -> None:
    url = message.location.get("url", "")
    # Opened at /<page>, Streamlit's frontend first probes /<page>/_stcore/... for a base path and
    # gets 404 before it falls back to the root: that probe is Streamlit's, not an app error.
    probing = "/_stcore/" in url and urlsplit(url).path.count("/") > 2
    if message.type == "error" and not probing:
        page.console_errors.append(f"{message.text} at {url}")


@pytest.fixture
def page(browser, app_url: str) -> Iterator:
    """A fresh browser page (own session) that records console errors in `page.console_errors`."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: _record_console_error(page, msg))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.app_url = app_url
    yield page
    context.close()


def click_settled(page, key: str) -> None:
    """Click the button with widget key `key` once the app is idle: during a rerun it can briefly exist twice."""
    from playwright.sync_api import expect

    wait_for_app(page)
    button = page.locator(f".st-key-{key} button")
    expect(button).to_have_count(1, timeout=30_000)  # a first visit reruns through app.py: the page comes a moment later
    button.click()


def open_page(page, path: str = "") -> None:
    """Open a page of the app by its URL path ('' for Home, 'train', 'evaluate', ...)."""
    page.goto(f"{page.app_url}/{path}")
    wait_for_app(page)


def assert_healthy(page) -> None:
    """No Streamlit exception box and no browser console errors."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == []


def screenshot(page, name: str) -> Path:
    """Save a screenshot as a test artifact (tests/artifacts/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
