"""The Sweep page in a real browser: a 2×2×2 sweep trained by the workers, its table, curve and heatmap, and a row
made the current model (the sidebar card follows)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, click_settled, open_page, screenshot

pytestmark = pytest.mark.e2e


def type_values(page: Page, key: str, text: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(text)
    field.press("Enter")
    wait_for_app(page)


def choose(page: Page, key: str, option: str) -> None:
    wait_for_app(page)
    page.locator(f".st-key-{key} [role='combobox']").click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_a_2x2x2_sweep_gives_table_curve_heatmap_and_a_current_model(page: Page) -> None:
    open_page(page, "sweep")
    type_values(page, "sweep_values_0", "2, 8")  # Bottleneck size, the first setting
    choose(page, "sweep_param_1", "Epochs")
    type_values(page, "sweep_values_1", "2, 3")
    expect(page.get_by_text(re.compile(r"8 runs \(2 × 2 values × 2 seeds\)"))).to_be_visible()
    click_settled(page, "sweep_start")
    expect(page.get_by_role("heading", name="Results: 8 runs")).to_be_visible(timeout=240_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    page.wait_for_function("document.querySelectorAll('.stPlotlyChart .main-svg').length >= 2")  # curve and heatmap
    expect(page.get_by_text("AUC against bottleneck size").first).to_be_attached()
    with page.expect_download() as download:
        page.locator(".st-key-done_csv button").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("latent_size,epochs,seed,status,epochs_trained,auc") and len(lines) == 9
    choose(page, "sweep_pick", "Bottleneck size 8 · Epochs 3 · seed 1")
    click_settled(page, "sweep_use")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Sweep · Bottleneck size 8 · Epochs 3 · seed 1")).to_be_visible(timeout=30_000)
    expect(sidebar.get_by_text(re.compile(r"3 epochs · test AUC 0\.\d{3}"))).to_be_visible()
    assert_healthy(page)
    screenshot(page, "sweep-2x2x2")
