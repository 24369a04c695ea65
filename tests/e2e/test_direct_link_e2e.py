"""A link to a page opened first on a freshly started server still runs through app.py."""

import pytest
from playwright.sync_api import expect

from harness.app_server import start_server, stop_server
from harness.browser import wait_for_app

pytestmark = pytest.mark.e2e


def test_first_visit_to_a_page_url_gets_the_sidebar_card_and_navigation(browser) -> None:
    process, url = start_server()  # fresh: no session has run app.py yet
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 1200})
        page = context.new_page()
        page.goto(f"{url}/evaluate")
        wait_for_app(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("test AUC")).to_be_visible()
        expect(sidebar.get_by_role("link", name="Evaluate")).to_be_visible()
        expect(sidebar.get_by_role("link", name="app")).to_have_count(0)  # not the old pages-folder list
        expect(page.get_by_role("heading").first).to_be_visible()
        context.close()
    finally:
        stop_server(process)
