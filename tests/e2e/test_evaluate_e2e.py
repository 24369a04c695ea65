"""Evaluate page in real chromium: slider keys and strategy buttons move the precision on screen to the core's value."""

from __future__ import annotations

import pytest

from anomaly_core import ThresholdSweep, anomaly_scores, load_ecg5000, load_model, make_split
from harness.app_server import ROOT
from tests.e2e.conftest import assert_healthy, open_page, screenshot

pytestmark = pytest.mark.e2e

SLIDER_LABEL = "Threshold (reconstruction error)"
PRECISION_SHOWN = """([want]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(
    m => m.innerText.startsWith('Precision') && m.querySelector('[data-testid="stMetricValue"]').innerText === want)"""


def default_sweep() -> ThresholdSweep:
    """The ready default model's test sweep, computed here from the bundled file, apart from the app."""
    saved = load_model(ROOT / "assets" / "default_model.safetensors", expected_length=140)
    split = make_split(load_ecg5000(), saved.info.data)
    scores = anomaly_scores(saved.model, split.x_test, saved.info.score_error)
    return ThresholdSweep(split.y_test, scores)


def wait_for_precision(page, threshold: float, sweep: ThresholdSweep) -> None:
    page.get_by_text(f"Threshold {threshold:.6g}:").wait_for()
    page.wait_for_function(PRECISION_SHOWN, arg=[f"{sweep.at(threshold).precision:.3f}"])


def test_slider_keys_and_strategy_buttons_move_precision(page) -> None:
    open_page(page, "evaluate")
    page.get_by_text("Ready default model").first.wait_for()
    sweep = default_sweep()
    slider = page.get_by_role("slider", name=SLIDER_LABEL)
    slider.focus()
    for key in ("ArrowRight", "ArrowRight", "PageUp", "ArrowLeft"):
        page.keyboard.press(key)
        wait_for_precision(page, float(slider.input_value()), sweep)

    best_threshold = sweep.best_f1()[0]
    page.locator(".st-key-eval_btn_best_f1 button").first.click()
    page.get_by_text("Set by best F1").wait_for()
    wait_for_precision(page, best_threshold, sweep)
    step = float(slider.get_attribute("step"))
    assert (
        abs(float(slider.input_value()) - best_threshold) <= step
    )  # the thumb snaps to the step grid; the page keeps the exact value

    page.get_by_text("Log scale").click()
    log_slider = page.get_by_role("slider", name="Threshold (log₁₀ of the error)")
    log_slider.wait_for()
    wait_for_precision(page, best_threshold, sweep)  # changing the scale keeps the threshold
    page.get_by_test_id("stPlotlyChart").nth(5).wait_for()  # the histogram, three curves, inspected beat and gallery drew

    table = page.locator(".st-key-eval_sample_table [data-testid='stDataFrame']")
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 * 2 + 17)  # the selection box of the second row (35 px rows)
    page.get_by_text("Rank 2 of").wait_for()  # the inspector now plots the second most anomalous beat
    assert_healthy(page)
    screenshot(page, "evaluate-log-scale")
