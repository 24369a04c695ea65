"""Draw page in a real browser: a stroke on the canvas gets a verdict (the very first one too) and is sent once as it
ends, Clear and Ctrl+Z empty it, a bent test beat is scored and saved, and a digit drawn on the digits' pad is scored."""

import re

import pytest
from playwright.sync_api import expect

from harness.browser import wait_for_app
from harness.screens import SCREENS, Screen, beat_points, new_screen_page, stroke
from tests.e2e.conftest import assert_healthy, click_settled, open_page, screenshot

pytestmark = pytest.mark.e2e
VERDICT_TEXT = re.compile(r"^(Normal|Anomaly)$")


def _open_draw_page(page) -> None:
    """Home first, then the sidebar's Draw link, as a learner arrives (and as the app's navigation is set up)."""
    open_page(page, "")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Draw").click()
    expect(page.get_by_role("heading", name="Draw a heartbeat")).to_be_visible(timeout=20_000)
    page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)  # the canvas comes with a rerun once the browser has reported the column's width


def _draw_beat(page, box: dict) -> None:
    """A flat line with one tall peak, drawn with the mouse across 90 % of the canvas."""
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(left + 0.05 * width, top + 0.55 * height)
    page.mouse.down()
    for i in range(1, 46):
        fraction = 0.05 + 0.9 * i / 45
        rise = 0.35 if 20 <= i <= 23 else 0.0
        page.mouse.move(left + fraction * width, top + (0.55 - rise) * height, steps=2)
    page.mouse.up()


def _draw_beat_until_verdict(page, canvas) -> None:
    """Draw the beat on `canvas` and wait for its verdict in the row above it."""
    _draw_beat(page, canvas.bounding_box())
    verdict = page.locator(".st-key-draw_drawn_result [data-testid='stMetricValue']").first
    expect(verdict).to_have_text(VERDICT_TEXT, timeout=20_000)


def test_drawing_a_stroke_shows_a_verdict_and_clear_empties_the_canvas(page) -> None:
    _open_draw_page(page)
    expect(page.get_by_text("The canvas is empty")).to_be_visible()
    canvas = page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first
    canvas.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)  # the canvas is sized from its column once the page knows the column's width
    _draw_beat_until_verdict(page, canvas)
    expect(page.get_by_text("The canvas is empty")).to_have_count(0)
    assert_healthy(page)
    screenshot(page, "draw-verdict")
    click_settled(page, "draw_clear")
    expect(page.get_by_text("The canvas is empty")).to_be_visible(timeout=20_000)
    expect(page.locator(".st-key-draw_drawn_result")).to_have_count(0)
    assert_healthy(page)


def test_bending_a_test_beat_with_the_keyboard_and_saving_it(page) -> None:
    _open_draw_page(page)
    page.get_by_role("tab", name="Bend a test beat").click()
    verdict = page.locator(".st-key-draw_bent_result [data-testid='stMetricValue']").first
    expect(verdict).to_have_text("Normal")
    page.get_by_role("slider", name="Spike height (0 = no spike)").focus()
    for _ in range(20):  # +5 in steps of 0.25, no mouse needed
        page.keyboard.press("ArrowRight")
    expect(verdict).to_have_text("Anomaly", timeout=20_000)
    click_settled(page, "draw_save_bent")  # the button lies outside the bend tab's fragment: the gallery tab follows
    expect(page.get_by_test_id("stToast")).to_contain_text("Saved “1. Normal test beat #1 (bent)” to the gallery.")
    page.get_by_role("tab", name="Gallery").click()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Nothing saved yet")).to_have_count(0)
    assert_healthy(page)


COUNT_SENDS = """(() => {  // counts what the page sends the server: each rerun request is one message
  const Native = window.WebSocket;
  window.__sent = 0;
  window.WebSocket = class extends Native { send(data) { window.__sent += 1; return super.send(data); } };
})()"""


def test_a_stroke_is_sent_once_as_it_ends(page) -> None:
    page.add_init_script(COUNT_SENDS)
    _open_draw_page(page)
    canvas = page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first
    wait_for_app(page)
    page.evaluate("() => { window.__sent = 0; }")
    _draw_beat_until_verdict(page, canvas)
    page.wait_for_timeout(600)  # past the canvas's own 200 ms send, which pressing Send at the stroke's end cancels
    wait_for_app(page)
    assert page.evaluate("() => window.__sent") == 1  # one rerun for one stroke, not a second for the same drawing
    assert_healthy(page)


NO_DELAYED_SEND = """(() => {  // the canvas's own send, 200 ms after a stroke, never comes
  const native = window.setTimeout;
  window.setTimeout = (callback, delay, ...args) => delay === 200 ? 0 : native(callback, delay, ...args);
})()"""


def test_a_stroke_reaches_the_app_as_it_ends_without_the_canvas_delayed_send(page) -> None:
    page.add_init_script(NO_DELAYED_SEND)
    _open_draw_page(page)
    canvas = page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first
    wait_for_app(page)
    _draw_beat_until_verdict(page, canvas)
    assert_healthy(page)


def test_ctrl_z_undoes_the_last_stroke(page) -> None:
    _open_draw_page(page)
    canvas = page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first
    canvas.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)
    _draw_beat_until_verdict(page, canvas)
    wait_for_app(page)
    page.keyboard.press("Control+z")
    expect(page.get_by_text("The canvas is empty")).to_be_visible(timeout=20_000)
    expect(page.locator(".st-key-draw_drawn_result")).to_have_count(0)
    assert_healthy(page)


# Keeps every canvas element the page creates, so a test can see whether a drawing canvas was replaced.
RECORD_CANVASES_JS = """
window.createdCanvases = [];
const create = Document.prototype.createElement;
Document.prototype.createElement = function (tag, ...rest) {
  const element = create.call(this, tag, ...rest);
  if (String(tag).toLowerCase() === 'canvas') window.createdCanvases.push(element);
  return element;
};
"""
DRAWING_CANVAS_WIDTHS_JS = """() => [...new Set(
  window.createdCanvases.filter((canvas) => canvas.classList.contains('upper-canvas')).map((canvas) => canvas.width))]"""


def _follow_sidebar_link(page, screen: Screen, name: str) -> None:
    """Open a page from the sidebar's navigation (on a phone the sidebar is opened first)."""
    if screen.touch:
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_a_stroke_drawn_the_moment_the_canvas_appears_counts(browser, app_url: str, screen: Screen) -> None:
    page = new_screen_page(browser, screen)
    page.add_init_script(RECORD_CANVASES_JS)
    page.goto(f"{app_url}/draw")
    page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first.wait_for(state="visible", timeout=30_000)
    wait_for_app(page)
    _follow_sidebar_link(page, screen, "Home")  # and back: the canvas's code is loaded now, so it shows at once
    expect(page.get_by_role("heading", name="Anomaly Lab")).to_be_visible(timeout=20_000)
    wait_for_app(page)
    _follow_sidebar_link(page, screen, "Draw")
    canvas = page.locator("[data-testid='stMain'] canvas.upper-canvas").first  # whichever canvas shows first
    canvas.wait_for(state="visible", timeout=30_000)
    canvas.scroll_into_view_if_needed()
    stroke(page, screen, beat_points(canvas.bounding_box()))  # at once: no waiting for the page to settle
    verdict = page.locator(".st-key-draw_drawn_result [data-testid='stMetricValue']").first
    expect(verdict).to_have_text(VERDICT_TEXT, timeout=20_000)
    wait_for_app(page)
    expect(verdict).to_have_text(VERDICT_TEXT)  # still there once every rerun has settled
    expect(page.get_by_text("The canvas is empty")).to_have_count(0)
    coverage = page.get_by_text(re.compile(r"Your stroke covers \d+% of the 140 time steps")).inner_text()
    assert int(re.search(r"(\d+)%", coverage).group(1)) >= 98  # the whole stroke, not the part after a remount
    assert len(page.evaluate(DRAWING_CANVAS_WIDTHS_JS)) == 1  # never a canvas of another width first, to be replaced
    page.context.close()


def _draw_ring(page, box: dict) -> None:
    """A large ring, drawn with the mouse in one stroke: the digit 0."""
    import math

    middle_x, middle_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    radius_x, radius_y = 0.25 * box["width"], 0.36 * box["height"]
    page.mouse.move(middle_x, middle_y - radius_y)
    page.mouse.down()
    for i in range(1, 41):
        angle = 2 * math.pi * i / 40
        page.mouse.move(middle_x + radius_x * math.sin(angle), middle_y - radius_y * math.cos(angle), steps=2)
    page.mouse.up()


def test_a_digit_drawn_on_the_pad_is_scored_by_a_digits_model(page) -> None:
    """With the digits chosen (by link) and a model trained on them, Draw offers a pad: a drawn 0 gets a verdict,
    its 8×8 image beside the model's reconstruction, and its place among the test digits' scores."""
    open_page(page, "train?dataset=digits")
    click_settled(page, "train_button")
    expect(page.get_by_text(re.compile(r"trained \d+ epochs"))).to_be_visible(timeout=60_000)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Draw").click()
    canvas = page.locator(".st-key-draw_digit_pad canvas.upper-canvas").first
    canvas.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)
    expect(page.get_by_text("The canvas is empty: draw a digit")).to_be_visible()
    _draw_ring(page, canvas.bounding_box())
    verdict = page.locator(".st-key-draw_digit_result [data-testid='stMetricValue']").first
    expect(verdict).to_have_text(VERDICT_TEXT, timeout=20_000)
    page.wait_for_function("document.querySelectorAll('.stPlotlyChart').length >= 2")  # the images and the histogram
    assert_healthy(page)
    screenshot(page, "draw-digit")
