"""The three screens the app is checked on (laptop, projector, phone with touch), and strokes drawn on a canvas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Screen:
    """A browser viewport; `touch` makes it a phone (touch events, mobile layout)."""

    name: str
    width: int
    height: int
    touch: bool = False


SCREENS = (Screen("laptop", 1440, 900), Screen("projector", 1024, 768), Screen("phone", 390, 844, touch=True))


def new_screen_page(browser: Any, screen: Screen) -> Any:
    """A fresh page (own context and session) with the screen's viewport."""
    context = browser.new_context(
        viewport={"width": screen.width, "height": screen.height},
        has_touch=screen.touch,
        is_mobile=screen.touch,
        device_scale_factor=1,
    )
    return context.new_page()


def beat_points(box: dict, count: int = 60, *, start: float = 0.0, end: float = 1.0) -> list[tuple[float, float]]:
    """Points of a flat line with one tall peak across `start`..`end` of a canvas's bounding box."""
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    points = []
    for i in range(count + 1):
        fraction = start + (end - start) * i / count
        rise = 0.35 if 0.4 <= i / count <= 0.46 else 0.0
        x = min(max(left + fraction * width, left + 0.5), left + width - 0.5)
        points.append((x, top + (0.55 - rise) * height))
    return points


def mouse_stroke(page: Any, points: list[tuple[float, float]]) -> None:
    """Draw one stroke through `points` with the mouse."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=2)
    page.mouse.up()


def touch_stroke(page: Any, points: list[tuple[float, float]]) -> None:
    """Draw one stroke through `points` with a finger (touch events sent through the browser's devtools protocol)."""
    session = page.context.new_cdp_session(page)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
    for x, y in points[1:]:
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    session.detach()


def stroke(page: Any, screen: Screen, points: list[tuple[float, float]]) -> None:
    """A finger stroke on a touch screen, a mouse stroke elsewhere."""
    (touch_stroke if screen.touch else mouse_stroke)(page, points)
