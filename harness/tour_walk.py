"""Walk the app's guided tour in a browser as a learner would, timing each step (tests and benchmarks share it)."""

from __future__ import annotations

import re
import time
from typing import Any

from harness.browser import wait_for_app
from harness.screens import beat_points, mouse_stroke

STEP_HEADINGS = ("The data: ECG5000", "Train an autoencoder", "Evaluate", "Draw a heartbeat", "Train an autoencoder")
STEP_PRESETS = (None, "Good default", None, None, "Contaminated training (30 % abnormal)")  # what Next step → loads
TRAIN_TIMEOUT_MS = 60_000


def click_key(page: Any, key: str) -> None:
    """Click the button with widget key `key` once the app is idle (during a rerun it can briefly exist twice)."""
    wait_for_app(page)
    button = page.locator(f".st-key-{key} button")
    button.first.wait_for(state="visible")
    button.click()


def _arrive(page: Any, number: int) -> None:
    """Wait for step `number` (1-based): its page's heading, the tour bar saying so and the preset it loaded."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=re.compile(STEP_HEADINGS[number - 1])).first).to_be_visible(timeout=20_000)
    expect(page.locator(".st-key-tour_bar").get_by_text(f"Tour {number}/5")).to_be_visible(timeout=20_000)
    preset = STEP_PRESETS[number - 1]
    if preset is not None:
        expect(page.get_by_text(f"Loaded the preset “{preset}”")).to_be_visible(timeout=20_000)
    wait_for_app(page)


def _train(page: Any, run_number: int) -> None:
    """Press Train and wait for the finished run's summary."""
    from playwright.sync_api import expect

    click_key(page, "train_button")
    finished = page.get_by_text(re.compile(rf"Run {run_number} .*trained \d+ epochs"))
    expect(finished).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    wait_for_app(page)


def _move_threshold(page: Any) -> None:
    """Move Evaluate's threshold a few steps with the keyboard."""
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    wait_for_app(page)


def _draw(page: Any) -> None:
    """Draw a beat across the canvas and wait for its verdict."""
    from playwright.sync_api import expect

    canvas = page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first
    canvas.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)
    canvas.scroll_into_view_if_needed()
    mouse_stroke(page, beat_points(canvas.bounding_box(), start=0.02, end=0.98))
    verdict = page.locator(".st-key-draw_drawn_result [data-testid='stMetricValue']").first
    expect(verdict).to_have_text(re.compile(r"^(Normal|Anomaly)$"), timeout=20_000)
    wait_for_app(page)


def walk_tour(page: Any, app_url: str) -> dict[str, float]:
    """Home → start → data → train → threshold → draw → break it → done; seconds spent on each stage."""
    from playwright.sync_api import expect

    times: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        times[name] = time.perf_counter() - started - sum(times.values())

    page.goto(app_url)
    wait_for_app(page)
    click_key(page, "tour_start")
    _arrive(page, 1)
    lap("home → data")
    actions = (lambda: _train(page, 1), lambda: _move_threshold(page), lambda: _draw(page), lambda: _train(page, 2))
    for number, (name, action) in enumerate(zip(("train", "threshold", "draw", "break it"), actions), start=2):
        click_key(page, "tour_next")
        _arrive(page, number)
        action()
        lap(name)
    click_key(page, "tour_next")
    expect(page.locator(".st-key-tour_done")).to_be_visible(timeout=20_000)
    wait_for_app(page)
    lap("done")
    times["total"] = time.perf_counter() - started
    return times
