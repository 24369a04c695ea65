"""Compare page in real chromium: leaderboard, per-class table and both overlaid curve charts render without errors."""

from __future__ import annotations

import pytest

from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, open_page, screenshot

pytestmark = pytest.mark.e2e


def test_leaderboard_curves_and_per_class_table_render(page) -> None:
    open_page(page, "compare")
    page.get_by_role("heading", name="How each family works").wait_for(timeout=60_000)
    assert page.get_by_test_id("stDataFrame").count() == 2
    page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
    assert page.get_by_test_id("stPlotlyChart").count() == 2
    page.get_by_text("ascending", exact=True).click()
    wait_for_app(page)
    assert_healthy(page)
    screenshot(page, "compare-leaderboard")
