"""The guided tour end to end in a real browser: each Next step → opens the right page with the right preset, the
contaminated run scores worse than the good one, and the done state names what was learned and brings the ready
model back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.tour_walk import walk_tour
from tests.e2e.conftest import assert_healthy, screenshot

pytestmark = pytest.mark.e2e


def test_the_tour_leads_from_home_to_done(page) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    stages = walk_tour(page, page.app_url)
    assert list(stages) == ["home → data", "train", "threshold", "draw", "break it", "done", "total"]
    expect(page.get_by_role("heading", name="Anomaly Lab")).to_be_visible()
    done = page.locator(".st-key-tour_done")
    expect(done).to_contain_text("You learned that an autoencoder trained on normal beats")
    expect(done).to_contain_text("AUC falls")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Ready default model")).to_be_visible()  # the contaminated run is no longer current
    expect(sidebar.get_by_text(re.compile(r"test AUC 0\.99"))).to_be_visible()
    sidebar.get_by_text("My runs (2)").click()  # both tour runs are kept: the contaminated one scores worse
    lines = sidebar.locator("li").filter(has_text=re.compile(r"AUC \d\.\d{3}")).all_inner_texts()
    aucs = {line.split(" (")[0]: float(re.search(r"AUC (\d\.\d{3})", line).group(1)) for line in lines}
    assert aucs["Run 2"] < aucs["Run 1"] - 0.05, aucs
    assert_healthy(page)
    screenshot(page, "tour-done")
