"""The interactions bench_latency.py times on long-lived servers: sliders, a stroke, page switches and Train clicks.

Every function takes the servers' urls by app name ("floor", the project's checkouts) and alternates between them
round by round, so each app's samples come from the same minutes of a shared, noisy machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from latency_probe import Timing, arm, install, settle, updates_so_far, wait_idle
from latency_servers import page_titles

from harness.browser import wait_for_app
from harness.screens import beat_points, mouse_stroke

METRICS = "[data-testid='stMain'] [data-testid='stMetric']"
LONG_EPOCHS = 400  # a run long enough (~4 s) for the live view to poll it many times
VERDICT = ".st-key-draw_drawn_result"
CANVAS = ".st-key-draw_canvas_fitted canvas.upper-canvas"
BEND_TAB = "Bend a test beat"
FLOOR_SLIDERS = {  # the floor's sliders by kind of update: one metric; a metric and one, two or five moving charts
    "floor": "evaluate", "chart": "chart", "charts": "chart?charts=2", "five": "chart?charts=5",
}
PROJECT_SLIDERS = {
    "Evaluate threshold slider": ("evaluate", "Threshold (reconstruction error)", None),
    "Home threshold slider": ("", "Threshold: beats with an error at or above it are called anomalies", None),
    "Draw threshold slider": ("draw", "Threshold: beats scoring at or above it are called anomalies", BEND_TAB),
    "Draw bend slider (spike height)": ("draw", "Spike height (0 = no spike)", BEND_TAB),
}


@dataclass
class Row:
    """One line of the table: samples by app name ("floor", "before", "project"), in ms unless `unit` says."""

    name: str
    samples: dict[str, list[float]]
    target: str = ""
    unit: str = "ms"


@dataclass
class Slider:
    """A slider on an open page; it walks `presses` steps right, then as many left, and again."""

    page: Any
    locator: Any
    moved: int = 0

    def press(self, presses: int) -> Timing:
        """One key press from an idle page, timed."""
        wait_idle(self.page)
        self.locator.focus()
        arm(self.page, "keydown", METRICS)
        self.moved += 1
        self.page.keyboard.press("ArrowRight" if (self.moved - 1) // presses % 2 == 0 else "ArrowLeft")
        return settle(self.page)


def new_page(browser: Any) -> Any:
    """A page in its own context (its own Streamlit session), with the timing probe installed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    install(context)
    return context.new_page()


def open_slider(browser: Any, url: str, path: str, label: str | None, tab: str | None = None) -> Slider:
    """A new session on `url/path` (a tab opened), and its slider named `label` (None: the first one)."""
    page = new_page(browser)
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    if tab:
        page.get_by_role("tab", name=tab).click()
        wait_for_app(page)
    sliders = page.get_by_role("slider", name=label) if label else page.get_by_role("slider")
    return Slider(page, sliders.first)


def slider_rows(browser: Any, urls: dict[str, str], rounds: int, presses: int, only: str = "") -> list[Row]:
    """Each project slider (those whose name contains a word of `only`, when given) against the floor's metric slider
    and its chart sliders (one, two and five moving charts), rounds alternating."""
    floors = {kind: open_slider(browser, urls["floor"], path, None) for kind, path in FLOOR_SLIDERS.items()}
    checkouts = [name for name in urls if name != "floor"]
    words = [word.lower() for word in only.split(",") if word]
    rows = []
    for name, (path, label, tab) in PROJECT_SLIDERS.items():
        if words and not any(word in name.lower() for word in words):
            continue
        sliders = {app: open_slider(browser, urls[app], path, label, tab) for app in checkouts}
        timings: dict[str, list[Timing]] = {app: [] for app in (*floors, *checkouts)}
        for _ in range(rounds):
            for kind, slider in (*floors.items(), *sliders.items()):
                timings[kind] += [slider.press(presses) for _ in range(presses)]
        for slider in sliders.values():
            slider.page.context.close()
        rows += _slider_table(name, timings, checkouts)
    return rows


def _slider_table(name: str, timings: dict[str, list[Timing]], checkouts: list[str]) -> list[Row]:
    def firsts(app: str) -> list[float]:
        return [t.first_ms for t in timings[app] if t.first_ms is not None]  # presses that changed no card are left out

    def dones(app: str) -> list[float]:
        return [t.done_ms for t in timings[app]]

    return [
        Row(f"{name}: key press → cards painted", {"floor": firsts("floor"), **{a: firsts(a) for a in checkouts}},
            "median ≤ 1.3×, p90 ≤ 1.5×"),
        Row("    → rerun finished and charts redrawn", {"floor": dones("floor"), **{a: dones(a) for a in checkouts}},
            "median ≤ 2×"),
        Row("    → the same, against the one-chart floor", {"floor": dones("chart"), **{a: dones(a) for a in checkouts}},
            "(the floor of a chart update)"),
        Row("    → the same, against the two-chart floor", {"floor": dones("charts"), **{a: dones(a) for a in checkouts}},
            "(the floor of a two-chart update, as a bend)"),
        Row("    → the same, against the five-chart floor", {"floor": dones("five"), **{a: dones(a) for a in checkouts}},
            "(the floor of a five-chart update, as Evaluate's)"),
    ]  # fmt: skip


def _stroke(page: Any) -> float:
    """Clear the canvas, draw a beat; ms from mouse-up to the verdict painted."""
    canvas = page.locator(CANVAS).first
    canvas.wait_for(state="visible", timeout=30_000)
    wait_idle(page)
    page.wait_for_timeout(300)  # the canvas's own script sets up after it is attached
    arm(page, "mouseup", VERDICT)
    mouse_stroke(page, beat_points(canvas.bounding_box()))
    timing = settle(page, need_first=True)
    page.locator(".st-key-draw_clear button").click()
    page.locator(VERDICT).wait_for(state="detached", timeout=30_000)
    return timing.first_ms if timing.first_ms is not None else timing.done_ms


def stroke_row(browser: Any, urls: dict[str, str], strokes: int) -> Row:
    """Draw: mouse-up on the canvas → verdict painted, against the floor's slider key press → metric."""
    floor = open_slider(browser, urls["floor"], "evaluate", None)
    pages = {app: new_page(browser) for app in urls if app != "floor"}
    for app, page in pages.items():
        page.goto(f"{urls[app]}/draw")
        wait_for_app(page)
    samples: dict[str, list[float]] = {app: [] for app in urls}
    for _ in range(strokes):
        samples["floor"] += [t.first_ms or t.done_ms for t in (floor.press(4), floor.press(4))]
        for app, page in pages.items():
            samples[app].append(_stroke(page))
    for page in (floor.page, *pages.values()):
        page.context.close()
    return Row("Draw: mouse-up → verdict painted", samples, "≤ 2× the floor's slider round trip")


def switch_rows(browser: Any, urls: dict[str, str], rounds: int) -> list[Row]:
    """Sidebar page switches, click → the new page idle; each page's first visit apart from later ones."""
    pages = {app: new_page(browser) for app in urls}
    first: dict[str, list[float]] = {app: [] for app in urls}
    again: dict[str, list[float]] = {app: [] for app in urls}
    served: dict[str, list[float]] = {app: [] for app in urls}  # click → the server's last message (later visits)
    for app, page in pages.items():
        page.goto(urls[app])
        wait_for_app(page)
    for round_number in range(rounds + 1):
        for app, page in pages.items():
            for title in page_titles(app == "floor"):
                wait_idle(page)
                arm(page, "click", "h1")
                page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
                timing = settle(page, need_first=True)
                (first if round_number == 0 else again)[app].append(timing.done_ms)
                if round_number > 0 and timing.updates_ms:
                    served[app].append(max(timing.updates_ms))
    for page in pages.values():
        page.context.close()
    return [
        Row("Sidebar page switch → page idle, first visit of each page", first, "median ≤ 500 ms"),
        Row("Sidebar page switch → page idle, later visits", again, "median ≤ 500 ms"),
        Row("    → the server's last message (the rest is the browser drawing)", served),
    ]


def _train_click(page: Any, number: int) -> tuple[Timing, float]:
    """Click Train (the Good default preset loaded); the click's timing and the run's pure training seconds."""
    wait_idle(page)
    arm(page, "click", "[data-testid='stMain'] [data-testid='stAlert']")
    page.locator(".st-key-train_button button").click()
    page.get_by_text(re.compile(rf"Run {number} \(Good default\): trained")).wait_for(timeout=120_000)
    timing = settle(page)
    card = page.get_by_test_id("stMetric").filter(has_text="Training time").get_by_test_id("stMetricValue")
    return timing, float(card.inner_text().split()[0])


def _polls_while_training(page: Any, seconds: float = 4.0) -> list[float]:
    """Click Train on a LONG_EPOCHS run and time the live view's polls for `seconds`, then stop the run."""
    wait_idle(page)
    page.locator(".st-key-w_epochs input").fill(str(LONG_EPOCHS))
    page.keyboard.press("Enter")
    wait_idle(page)
    arm(page, "click", "[data-testid='stMain']")
    page.locator(".st-key-train_button button").click()
    page.wait_for_timeout(seconds * 1000)
    polls = list(updates_so_far(page)[1:-1])  # not the click's own rerun, nor a poll still being answered
    page.locator(".st-key-stop_button button").click()
    wait_idle(page)
    return polls


def _floor_click(browser: Any, url: str, clicks: int) -> list[float]:
    """The floor's Train button (a click → one metric), seconds until its page is idle: a click's round trip."""
    page = new_page(browser)
    page.goto(f"{url}/train")
    wait_for_app(page)
    seconds = []
    for _ in range(clicks):
        wait_idle(page)
        arm(page, "click", "[data-testid='stMain']")
        page.locator(".st-key-train button").click()
        seconds.append(settle(page).done_ms / 1000)
    page.context.close()
    return seconds


def train_rows(browser: Any, urls: dict[str, str], trains: int) -> list[Row]:
    """Train click → trained page idle, against the run's pure training time (the floor: its button's round trip)."""
    pages = {app: new_page(browser) for app in urls if app != "floor"}
    for app, page in pages.items():
        page.goto(f"{urls[app]}/train")
        wait_for_app(page)
        page.locator(".st-key-preset_good_default button").click()
        page.wait_for_timeout(300)
    page_s: dict[str, list[float]] = {app: [] for app in pages}
    training_s: dict[str, list[float]] = {app: [] for app in pages}
    overhead_s: dict[str, list[float]] = {app: [] for app in pages}
    polls: dict[str, list[float]] = {app: [] for app in pages}
    for number in range(1, trains + 1):
        for app, page in pages.items():
            timing, training = _train_click(page, number)
            page_s[app].append(timing.done_ms / 1000)
            training_s[app].append(training)
            overhead_s[app].append(timing.done_ms / 1000 - training)
    for app, page in pages.items():
        polls[app] = _polls_while_training(page)
        page.context.close()
    floor = _floor_click(browser, urls["floor"], trains) if "floor" in urls else []
    page_s["floor"], overhead_s["floor"] = floor, floor
    return [
        Row("Train click → trained page idle (s)", page_s, unit="s"),
        Row("    pure training of those runs (s)", training_s, unit="s"),
        Row("    page minus pure training (s)", overhead_s, "≤ 0.5 s", "s"),
        Row(f"    one live-view poll, {LONG_EPOCHS}-epoch run (ms)", polls, "≤ 300 ms"),
    ]
