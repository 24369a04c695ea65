"""Two learners train at the same time in two browser sessions and each keeps a model of their own."""

import pytest
from playwright.sync_api import expect

from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, click_settled, open_page, screenshot

pytestmark = pytest.mark.e2e


def _new_page(browser, app_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.console_errors = []
    page.app_url = app_url
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


def test_two_sessions_train_at_once_with_their_own_models(browser, app_url: str) -> None:
    (context_a, a), (context_b, b) = _new_page(browser, app_url), _new_page(browser, app_url)
    try:
        for page, preset in ((a, "bottleneck_too_small"), (b, "good_default")):
            open_page(page, "train")
            click_settled(page, f"preset_{preset}")
            wait_for_app(page)
        click_settled(a, "train_button")
        click_settled(b, "train_button")  # while A is still training
        for page in (a, b):
            card = page.get_by_test_id("stSidebar")
            expect(card.locator("strong", has_text="Run 1")).to_be_visible(timeout=90_000)  # trained by the workers
            expect(card.get_by_text("40 epochs · test AUC")).to_be_visible()
        card_a = a.get_by_test_id("stSidebar").inner_text()
        card_b = b.get_by_test_id("stSidebar").inner_text()
        assert "140 → 64 → 32 → 1 → 32 → 64 → 140" in card_a
        assert "140 → 64 → 32 → 16 → 32 → 64 → 140" in card_b
        auc_a = float(card_a.split("test AUC")[1].split()[0])
        auc_b = float(card_b.split("test AUC")[1].split()[0])
        assert auc_a != auc_b
        for page in (a, b):
            assert_healthy(page)
        screenshot(b, "two-sessions-b")
    finally:
        context_a.close()
        context_b.close()
