"""Where the key controls land at each screen: the Train button when Train opens, the Draw verdict after a stroke.

Run from the repository root: `.venv/bin/python benchmarks/bench_first_screen.py [--baseline-checkout DIR]`. Prints,
per screen, the Train button's top (px from the page top, page not scrolled) and the Draw verdict's top in the
viewport after a stroke drawn on the canvas scrolled into view (in view when 0 <= y and y + 40 <= the viewport's
height). With `--baseline-checkout` (an older checkout, e.g. `git archive 04fe4a3 | tar -x -C /tmp/before`, the app
before issue 22) the same is measured on it in the same run, and the ratio after / before is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.app_server import start_server, stop_server  # noqa: E402
from harness.browser import launch_chromium, wait_for_app  # noqa: E402
from harness.screens import SCREENS, Screen, beat_points, new_screen_page, stroke  # noqa: E402

CANVAS = "[data-testid='stMain'] canvas.upper-canvas"  # any checkout's canvas
VERDICT = ".st-key-draw_drawn_result [data-testid='stMetricValue']"
VERDICT_WAIT_MS = 20_000


def train_button_top(page, url: str) -> float:
    """The Train button's top edge when the Train page has just opened."""
    page.goto(f"{url}/train")
    wait_for_app(page)
    button = page.locator(".st-key-train_button button")
    button.wait_for(state="visible")
    return button.bounding_box()["y"]


def verdict_top(page, url: str, screen: Screen) -> float | None:
    """The verdict's top in the viewport after a stroke across the canvas; None when the stroke got no verdict."""
    page.goto(f"{url}/draw")
    wait_for_app(page)
    canvas = page.locator(CANVAS).first
    canvas.wait_for(state="visible", timeout=20_000)
    wait_for_app(page)
    canvas.scroll_into_view_if_needed()
    stroke(page, screen, beat_points(canvas.bounding_box()))
    verdict = page.locator(VERDICT).first
    try:
        verdict.wait_for(state="visible", timeout=VERDICT_WAIT_MS)
    except Exception:  # noqa: BLE001  (playwright's TimeoutError: e.g. a canvas wider than a phone gets a short stroke)
        return None
    wait_for_app(page)
    return verdict.bounding_box()["y"]


def measure(browser, root: Path) -> dict[str, tuple[float, float | None]]:
    """(Train button top, Draw verdict top) per screen for the app of checkout `root`."""
    process, url = start_server(root=root)
    positions = {}
    try:
        for screen in SCREENS:
            page = new_screen_page(browser, screen)
            positions[screen.name] = (train_button_top(page, url), verdict_top(page, url, screen))
            page.context.close()
    finally:
        stop_server(process)
    return positions


def describe(name: str, y: float | None, screen: Screen) -> str:
    """'Train y=190 (in view)' or 'verdict: none'."""
    if y is None:
        return f"{name}: no verdict"
    return f"{name} y={y:.0f} ({'in view' if y >= 0 and y + 40 <= screen.height else 'out of view'})"


def ratio(after: float | None, before: float | None) -> str:
    """after / before, or – when either is missing or the baseline is 0."""
    return "–" if after is None or not before else f"{after / before:.2f}×"


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-checkout", type=Path, help="an older checkout to measure in the same run")
    args = parser.parse_args()
    if args.baseline_checkout is not None and not (args.baseline_checkout / "app.py").is_file():
        parser.error(f"--baseline-checkout {args.baseline_checkout} has no app.py")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        after = measure(browser, ROOT)
        before = measure(browser, args.baseline_checkout.resolve()) if args.baseline_checkout else None
        browser.close()
    for screen in SCREENS:
        train, verdict = after[screen.name]
        line = f"{screen.name} {screen.width}x{screen.height}: "
        line += f"{describe('Train', train, screen)}, {describe('verdict', verdict, screen)}"
        if before is not None:
            old_train, old_verdict = before[screen.name]
            line += (
                f" | before: {describe('Train', old_train, screen)}, {describe('verdict', old_verdict, screen)}"
                f" | after/before: Train {ratio(train, old_train)}, verdict {ratio(verdict, old_verdict)}"
            )
        print(line)


if __name__ == "__main__":
    main()
