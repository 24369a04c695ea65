"""The Train page in a real browser: train to the summary cards, and stop a long run mid-way keeping its model."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, click_settled, open_page, screenshot

pytestmark = pytest.mark.e2e


def _button(page, key: str):
    return page.locator(f".st-key-{key} button")


def test_train_shows_live_progress_then_summary_cards(page) -> None:
    open_page(page, "train")
    click_settled(page, "preset_good_default")
    click_settled(page, "train_button")
    expect(page.get_by_text(re.compile(r"trained 40 epochs"))).to_be_visible(timeout=30_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Test AUC")).to_be_visible()  # the rerun after training is drawn
    page.wait_for_function("document.querySelectorAll('.stPlotlyChart').length >= 5")  # diagram, loss, latent, histogram, ROC
    labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
    assert {"Test AUC", "Average precision", "Best-F1 threshold", "Device"} <= {label.strip() for label in labels}
    auc = float(page.get_by_test_id("stMetric").filter(has_text="Test AUC").get_by_test_id("stMetricValue").inner_text())
    assert auc > 0.9
    expect(page.get_by_text(re.compile(r"Run \d \(Good default\)")).first).to_be_visible()  # the sidebar card follows
    assert_healthy(page)
    screenshot(page, "train-finished")


def test_stop_mid_run_keeps_the_model_trained_so_far(page) -> None:
    open_page(page, "train")
    epochs = page.locator(".st-key-w_epochs input")
    epochs.fill("2000")
    epochs.press("Enter")
    click_settled(page, "train_button")
    expect(page.get_by_text(re.compile(r"Epoch \d+/2000"))).to_be_visible(timeout=20_000)
    _button(page, "stop_button").click()
    stopped = page.get_by_text(re.compile(r"stopped at epoch \d+"))
    expect(stopped).to_be_visible(timeout=10_000)
    wait_for_app(page)
    epoch = int(re.search(r"stopped at epoch (\d+)", stopped.inner_text()).group(1))
    assert 1 <= epoch < 2000
    sidebar_card = page.get_by_test_id("stSidebar").get_by_text(f"{epoch} epochs · test AUC")
    expect(sidebar_card).to_be_visible(timeout=20_000)  # the rerun after the stop, on a loaded machine
    expect(page.get_by_test_id("stMetricLabel").filter(has_text="Test AUC")).to_be_visible(timeout=20_000)
    assert _button(page, "continue_button").is_enabled()
    assert_healthy(page)
    screenshot(page, "train-stopped")
