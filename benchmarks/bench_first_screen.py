"""Where the key controls land at each screen: the Train button when Train opens, the Draw verdict after a stroke.

Run from the repository root: `.venv/bin/python benchmarks/bench_first_screen.py`. Prints, per screen, the Train
button's top (px from the page top, page not scrolled) and the Draw verdict's top in the viewport after a stroke
drawn on the canvas scrolled into view (in view when 0 <= y and y + height <= the viewport's height).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.app_server import start_server, stop_server  # noqa: E402
from harness.browser import launch_chromium, wait_for_app  # noqa: E402
from harness.screens import SCREENS, Screen, beat_points, new_screen_page, stroke  # noqa: E402

VERDICT = ".st-key-draw_drawn_result [data-testid='stMetricValue']"


def train_button_top(page, url: str) -> float:
    """The Train button's top edge when the Train page has just opened."""
    page.goto(f"{url}/train")
    wait_for_app(page)
    button = page.locator(".st-key-train_button button")
    button.wait_for(state="visible")
    return button.bounding_box()["y"]


def verdict_top(page, url: str, screen: Screen) -> tuple[float, float]:
    """(the verdict's top in the viewport after a stroke, the canvas's top then)."""
    page.goto(f"{url}/draw")
    wait_for_app(page)
    canvas = page.locator(".st-key-draw_canvas_fitted canvas.upper-canvas").first
    canvas.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    stroke(page, screen, beat_points(box))
    verdict = page.locator(VERDICT).first
    verdict.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)
    return verdict.bounding_box()["y"], canvas.bounding_box()["y"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    process, url = start_server()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            for screen in SCREENS:
                page = new_screen_page(browser, screen)
                train = train_button_top(page, url)
                verdict, canvas = verdict_top(page, url, screen)
                print(
                    f"{screen.name} {screen.width}x{screen.height}: Train button y={train:.0f} "
                    f"({'in' if train + 40 <= screen.height else 'below'} the first screen); after a stroke the verdict "
                    f"y={verdict:.0f} ({'in view' if 0 <= verdict <= screen.height - 40 else 'out of view'}), "
                    f"canvas y={canvas:.0f}"
                )
                page.context.close()
            browser.close()
    finally:
        stop_server(process)


if __name__ == "__main__":
    main()
