"""Home in a real browser: the ready model's AUC, a new beat, the threshold slider, then the tour's first step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, click_settled, open_page, screenshot
from ui.browser_prefetch import ELEMENT_CODE

pytestmark = pytest.mark.e2e


def metric_value(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_home_is_ready_interactive_and_starts_the_tour(page) -> None:
    open_page(page)
    auc = metric_value(page, "Ready model: test AUC")
    expect(auc).to_have_text(re.compile(r"0\.9[89]\d|1\.000"))
    assert float(auc.inner_text()) >= 0.98

    score = metric_value(page, "Reconstruction error (score)")
    before = score.inner_text()
    click_settled(page, "home_new_beat")
    expect(score).not_to_have_text(before)
    wait_for_app(page)

    page.get_by_role("slider").first.focus()
    page.keyboard.press("Home")  # threshold 0: every beat is called an anomaly
    expect(metric_value(page, "Verdict")).to_have_text("Anomaly")
    expect(page.get_by_text("flags 1,000 of the 1,000 test beats")).to_be_visible()
    wait_for_app(page)
    assert_healthy(page)
    screenshot(page, "home-interactive")

    click_settled(page, "tour_start")
    expect(page).to_have_url(re.compile(r"/data(\?session=[\w-]+)?$"))  # the session's token travels along
    expect(page.get_by_role("heading", name=re.compile("The data: ECG5000"))).to_be_visible()
    expect(page.locator(".st-key-tour_bar").get_by_text("Tour 1/5")).to_be_visible()
    wait_for_app(page)
    assert_healthy(page)


REQUESTS_JS = """(name) => performance.getEntriesByType('resource')
  .filter((entry) => entry.name.includes(`/static/js/${name}.`)).length"""


def test_home_draws_no_plotly_chart_and_loads_the_other_pages_code_once_idle(page) -> None:
    open_page(page)
    expect(page.get_by_text(re.compile(r"Test beat #\d+ and its reconstruction"))).to_be_visible()
    assert page.locator(".js-plotly-plot").count() == 0  # the beat and the autoencoder are HTML and SVG
    for element in ELEMENT_CODE:  # loaded while the learner reads Home
        page.wait_for_function(f"() => ({REQUESTS_JS})({element!r}) === 1", timeout=20_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Evaluate").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=20_000)
    assert [page.evaluate(REQUESTS_JS, element) for element in ELEMENT_CODE] == [1] * len(ELEMENT_CODE)  # the same modules
    assert_healthy(page)
