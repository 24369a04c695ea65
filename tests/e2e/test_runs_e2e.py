"""Runs that last, in a real browser: a reload keeps the model, lesson and controls; a server restart keeps the runs."""

from __future__ import annotations

import re
import tempfile
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from harness.app_server import start_server, stop_server
from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, click_settled, screenshot

pytestmark = pytest.mark.e2e
LESSON = "/?page=train&hide=learning_rate&lock=optimizer&lesson=Train+once+and+read+the+AUC."


def model_card(page: Page) -> str:
    """The sidebar's current-model card text, once a trained run is current."""
    card = page.get_by_test_id("stSidebar")
    expect(card.locator("strong", has_text="Run 1")).to_be_visible(timeout=90_000)
    return card.inner_text()


def auc_of(card: str) -> str:
    match = re.search(r"test AUC (\d\.\d{3})", card)
    assert match, card
    return match.group(1)


def lesson_is_on(page: Page) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Train once and read the AUC.")).to_be_visible()
    expect(sidebar.get_by_text("Hidden by the teacher: learning rate")).to_be_visible()
    expect(page.get_by_text("Learning rate", exact=True)).to_have_count(0)


def test_reload_and_server_restart_keep_the_session(browser) -> None:
    data_dir = tempfile.mkdtemp(prefix="anomaly-lab-e2e-runs-")
    process, url = start_server(env={"ANOMALY_LAB_DATA_DIR": data_dir})
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    try:
        page.goto(url + LESSON)
        wait_for_app(page)
        lesson_is_on(page)
        click_settled(page, "train_button")
        trained = model_card(page)
        token = parse_qs(urlsplit(page.url).query)["session"][0]
        page.reload()  # F5: a new Streamlit session, the same address
        wait_for_app(page)
        assert auc_of(model_card(page)) == auc_of(trained)
        lesson_is_on(page)
        expect(page.locator(".st-key-w_optimizer input")).to_be_disabled()
        stop_server(process)  # the server restarts
        process, url = start_server(env={"ANOMALY_LAB_DATA_DIR": data_dir})
        page.goto(f"{url}/train?session={token}")
        wait_for_app(page)
        assert auc_of(model_card(page)) == auc_of(trained)
        expect(page.get_by_text(re.compile(r"Run 1 .*: trained 40 epochs\."))).to_be_visible()
        lesson_is_on(page)
        assert_healthy(page)
        screenshot(page, "runs-after-restart")
    finally:
        context.close()
        stop_server(process)
