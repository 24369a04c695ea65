"""The drawing canvas with its grid, the test-beat chooser and the sliders that bend a beat."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import streamlit as st
from PIL import Image, ImageDraw, ImageFont

from anomaly_core import BeatEdits, CanvasFrame, DrawnSignal, signal_from_image, signal_from_points
from anomaly_core.drawing import points_from_fabric
from ui.current_model import ActiveModel
from ui.dataset_choice import model_class_names

CANVAS_WIDTH, CANVAS_HEIGHT = 700, 320  # the widest canvas, and its height on screens wide enough for it
MIN_CANVAS_WIDTH = 240
WIDTH_MARGIN = 20  # room for a scrollbar appearing after the column was measured
CANVAS_ROUND_KEY = "draw_canvas_round"
CANVAS_KEY_PREFIX = "draw_canvas_"
GRID_KEY = "draw_grid"  # (frame, guide bytes, data URL) of the last grid drawn: PNG-encoded once, not on every rerun
BEND_KEYS = ("noise", "spike_height", "spike_at", "flatten", "shift", "scale")
GRID_COLOR, AXIS_COLOR, LABEL_COLOR, GUIDE_COLOR = (
    (225, 228, 232, 255),
    (170, 176, 184, 255),
    (120, 126, 134, 255),
    (42, 157, 143, 110),
)


def canvas_size(column_width: int | None) -> tuple[int, int]:
    """(width, height) of a canvas that fits a column `column_width` px wide (None: not known yet, the widest)."""
    fitted = CANVAS_WIDTH if column_width is None else column_width - WIDTH_MARGIN
    width = int(min(max(fitted, MIN_CANVAS_WIDTH), CANVAS_WIDTH))
    return width, max(200, round(CANVAS_HEIGHT * width / CANVAS_WIDTH))


def canvas_frame(current: ActiveModel, column_width: int | None = None) -> CanvasFrame:
    """The canvas's size (fitted to the column) and value axis: the model's training range rounded out to whole units."""
    lowest, highest = current.scaler.value_range
    low, high = math.floor(lowest), math.ceil(highest)
    width, height = canvas_size(column_width)
    return CanvasFrame(width=width, height=height, low=float(low), high=float(high), length=current.config.input_length)


def grid_image(frame: CanvasFrame, guide: np.ndarray | None = None) -> Image.Image:
    """A faint grid: time steps every 20 across, values in original units every 2 down, and an optional guide beat."""
    image = Image.new("RGBA", (frame.width, frame.height), (255, 255, 255, 255))
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=11)
    for value in range(math.ceil(frame.low), math.floor(frame.high) + 1):
        if value % 2:
            continue
        y = float(frame.row_of(np.array(value)))
        pen.line([(0, y), (frame.width, y)], fill=AXIS_COLOR if value == 0 else GRID_COLOR, width=1)
        pen.text((3, y - 13 if y > 14 else y + 1), f"{value:+d}" if value else "0", fill=LABEL_COLOR, font=font)
    for step in range(0, frame.length + 1, 20):
        x = min(float(step) * frame.width / frame.length, frame.width - 1)
        pen.line([(x, 0), (x, frame.height)], fill=GRID_COLOR, width=1)
        if 0 < step < frame.length:
            pen.text((x + 2, frame.height - 14), f"t={step}", fill=LABEL_COLOR, font=font)
    if guide is not None:
        points = list(zip(frame.x_of(np.arange(frame.length)), frame.row_of(guide)))
        pen.line(points, fill=GUIDE_COLOR, width=3, joint="curve")
    return image


def grid_url(frame: CanvasFrame, guide: np.ndarray | None) -> str:
    """The grid (and guide) as a PNG data URL, encoded again only when the frame or the guide changes."""
    guide_bytes = None if guide is None else np.asarray(guide, dtype=np.float32).tobytes()
    cached = st.session_state.get(GRID_KEY)
    if cached is None or cached[:2] != (frame, guide_bytes):
        buffer = io.BytesIO()
        grid_image(frame, guide).save(buffer, format="PNG")
        cached = (frame, guide_bytes, "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"))
        st.session_state[GRID_KEY] = cached
    return cached[2]


def choose_test_beat(current: ActiveModel, key: str, *, allow_none: bool = False) -> tuple[np.ndarray | None, str]:
    """A class and a beat number picking one test beat; returns (beat in original units or None, its name)."""
    classes_test = current.split.classes_test
    options: list[int | None] = [None] if allow_none else []
    options += sorted(int(c) for c in np.unique(classes_test))
    own = model_class_names(current)
    names: dict[int | None, str] = {None: "No guide", **{c: f"{c} · {own.get(c, c)}" for c in options if c is not None}}
    label = "Guide beat drawn faintly behind" if allow_none else "Start from a test beat of class"
    chosen = st.selectbox(label, options, format_func=names.__getitem__, key=f"{key}_class")
    if chosen is None:
        return None, ""
    rows = np.flatnonzero(classes_test == chosen)
    index_key = f"{key}_index"
    st.session_state[index_key] = min(st.session_state.get(index_key, 1), len(rows))  # another class may have fewer beats
    number = st.number_input(f"Beat number (1-{len(rows)})", min_value=1, max_value=len(rows), key=index_key)
    beat = current.scaler.inverse(current.split.x_test[rows[int(number) - 1]])
    return beat, f"{own.get(chosen, chosen)} test beat #{int(number)}"


def _clear_canvas() -> None:
    """A fresh canvas key empties the canvas (the toolbar's undo works stroke by stroke)."""
    for key in [key for key in st.session_state if str(key).startswith(CANVAS_KEY_PREFIX)]:
        st.session_state.pop(key, None)
    st.session_state[CANVAS_ROUND_KEY] = st.session_state.get(CANVAS_ROUND_KEY, 0) + 1


def read_canvas(result: object, frame: CanvasFrame) -> DrawnSignal | None:
    """The beat drawn on a canvas result: from its image when sent, else from its path JSON."""
    image = getattr(result, "image_data", None)
    drawn = signal_from_image(image, frame) if image is not None else None
    return drawn or signal_from_points(*points_from_fabric(getattr(result, "json_data", None)), frame)


def render_canvas(frame: CanvasFrame, guide: np.ndarray | None) -> DrawnSignal | None:
    """Draw the canvas (grid and guide behind) with a Clear button; returns the drawn beat or None."""
    from streamlit_drawable_canvas import st_canvas  # needs a running Streamlit app, so imported here

    round_number = st.session_state.setdefault(CANVAS_ROUND_KEY, 0)
    result = st_canvas(
        stroke_width=4,
        stroke_color="#e76f51",
        background_image=grid_url(frame, guide),
        height=frame.height,
        width=frame.width,
        drawing_mode="freedraw",
        return_image_data=True,
        key=f"{CANVAS_KEY_PREFIX}{round_number}_{frame.width}",
    )  # a new width is a new canvas: a phone turned sideways starts a fresh drawing
    st.button("Clear the canvas", key="draw_clear", on_click=_clear_canvas, icon=":material/delete:")
    return read_canvas(result, frame)


def _reset_bend() -> None:
    for name in BEND_KEYS:
        st.session_state.pop(f"draw_bend_{name}", None)


def render_bend_controls(length: int) -> BeatEdits:
    """Sliders for every hand edit, with a reset button; returns the edits they describe."""
    left, right = st.columns(2)
    noise = left.slider("Add noise (std, original units)", 0.0, 1.5, 0.0, 0.05, key="draw_bend_noise")
    scale = left.slider("Scale the swings", 0.25, 2.5, 1.0, 0.05, key="draw_bend_scale")
    shift = left.slider("Shift in time (steps)", -40, 40, 0, 1, key="draw_bend_shift")
    spike_height = right.slider("Spike height (0 = no spike)", -5.0, 5.0, 0.0, 0.25, key="draw_bend_spike_height")
    spike_at = right.slider("Spike at time step", 0, length - 1, length // 2, 1, key="draw_bend_spike_at")
    flatten = right.slider("Flatten time steps (same ends = none)", 0, length, (0, 0), 1, key="draw_bend_flatten")
    st.button("Reset the edits", key="draw_bend_reset", on_click=_reset_bend, icon=":material/restart_alt:")
    start, stop = flatten
    return BeatEdits(
        noise=noise,
        spike_at=spike_at,
        spike_height=spike_height,
        flatten=(start, stop) if stop > start else None,
        shift=shift,
        scale=scale,
    )
