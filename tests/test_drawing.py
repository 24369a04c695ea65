"""Stroke → signal conversion on synthetic canvas data, and the hand edits of a beat."""

from __future__ import annotations

import numpy as np
import pytest

from anomaly_core.drawing import (
    BeatEdits,
    CanvasFrame,
    add_noise,
    apply_edits,
    flatten_segment,
    insert_spike,
    nearest_beat,
    points_from_fabric,
    scale_signal,
    shift_in_time,
    signal_from_image,
    signal_from_points,
)

FRAME = CanvasFrame(width=700, height=301, low=-6.0, high=6.0)


def _canvas_with(xs: np.ndarray, ys: np.ndarray, frame: CanvasFrame = FRAME, thickness: int = 3) -> np.ndarray:
    """A transparent RGBA canvas with opaque ink stamped at (x, y), `thickness` pixels tall, as a browser would send it."""
    image = np.zeros((frame.height, frame.width, 4), dtype=np.uint8)
    for x, y in zip(np.round(xs).astype(int), np.round(ys).astype(int)):
        rows = slice(max(0, y - thickness // 2), y + thickness // 2 + 1)
        image[rows, x] = (0, 0, 0, 255)
    return image


def _path(points: np.ndarray, stroke: float = 4.0) -> dict:
    """A Fabric.js 7 freehand path through `points` as the 0.13 canvas sends it (unmoved; origin at its centre)."""
    commands = [["M", *points[0]]] + [["Q", *a, *(a + b) / 2] for a, b in zip(points[:-1], points[1:])] + [["L", *points[-1]]]
    low, high = points.min(axis=0), points.max(axis=0)
    return {
        "type": "Path",
        "originX": "center",
        "originY": "center",
        "left": (low[0] + high[0]) / 2,
        "top": (low[1] + high[1]) / 2,
        "width": high[0] - low[0],
        "height": high[1] - low[1],
        "strokeWidth": stroke,
        "scaleX": 1,
        "scaleY": 1,
        "path": commands,
    }


def test_frame_maps_rows_to_original_units_and_back() -> None:
    assert FRAME.value_at(0) == pytest.approx(6.0)
    assert FRAME.value_at(FRAME.height - 1) == pytest.approx(-6.0)
    assert FRAME.value_at(FRAME.row_of(1.25)) == pytest.approx(1.25)
    with pytest.raises(ValueError, match="high"):
        CanvasFrame(width=700, height=300, low=1.0, high=1.0)


def test_straight_line_becomes_a_constant_signal_in_original_units() -> None:
    xs = np.arange(FRAME.width)
    drawn = signal_from_image(_canvas_with(xs, np.full(xs.shape, FRAME.row_of(2.0))), FRAME)
    assert drawn is not None and drawn.values.shape == (140,)
    assert drawn.coverage == pytest.approx(1.0)
    np.testing.assert_allclose(drawn.values, 2.0, atol=0.05)


def test_sine_is_recovered_column_by_column() -> None:
    xs = np.arange(FRAME.width)
    wave = 3.0 * np.sin(2 * np.pi * xs / FRAME.width)
    drawn = signal_from_image(_canvas_with(xs, FRAME.row_of(wave)), FRAME)
    expected = 3.0 * np.sin(2 * np.pi * FRAME.x_of(np.arange(140)) / FRAME.width)
    np.testing.assert_allclose(drawn.values, expected, atol=0.25)
    assert np.argmax(drawn.values) == pytest.approx(35, abs=2)


def test_partial_stroke_holds_its_ends_and_reports_low_coverage() -> None:
    xs = np.arange(350, 420)  # steps 70-83: 10 % of the width
    ys = FRAME.row_of(np.linspace(-1.0, 1.0, xs.size))
    drawn = signal_from_image(_canvas_with(xs, ys), FRAME)
    assert drawn.coverage == pytest.approx(14 / 140)
    assert not drawn.is_enough
    assert drawn.values[:70] == pytest.approx(np.full(70, drawn.values[70]))
    assert drawn.values[84:] == pytest.approx(np.full(56, drawn.values[83]))
    assert drawn.values[70] < drawn.values[83]


def test_gap_between_two_strokes_is_interpolated_linearly() -> None:
    left, right = np.arange(0, 200), np.arange(500, 700)
    xs = np.concatenate([left, right])
    ys = FRAME.row_of(np.concatenate([np.full(left.size, -2.0), np.full(right.size, 2.0)]))
    drawn = signal_from_points(xs + 0.5, ys, FRAME)
    gap = drawn.values[40:100]
    assert np.all(np.diff(gap) > 0)  # rises steadily across the empty columns
    assert drawn.values[70] == pytest.approx(0.0, abs=0.1)
    assert drawn.coverage == pytest.approx(80 / 140)


def test_empty_canvas_gives_no_signal() -> None:
    assert signal_from_image(None, FRAME) is None
    assert signal_from_image(np.zeros((FRAME.height, FRAME.width, 4), np.uint8), FRAME) is None
    assert signal_from_points(*points_from_fabric({"objects": []}), FRAME) is None
    assert signal_from_points(*points_from_fabric(None), FRAME) is None


def test_an_image_that_is_not_rgba_is_refused() -> None:
    with pytest.raises(ValueError, match="height, width, 4"):
        signal_from_image(np.zeros((FRAME.height, FRAME.width), np.uint8), FRAME)


def test_stroke_drawn_right_to_left_matches_left_to_right() -> None:
    xs = np.linspace(10, 690, 30)
    ys = FRAME.row_of(2.0 * np.cos(xs / 110))
    points = np.column_stack([xs, ys])
    forward = signal_from_points(*points_from_fabric({"objects": [_path(points)]}), FRAME)
    backward = signal_from_points(*points_from_fabric({"objects": [_path(points[::-1])]}), FRAME)
    np.testing.assert_allclose(forward.values, backward.values, atol=1e-5)
    assert forward.coverage > 0.95  # the sparse vertices are joined, so no column is skipped


def test_path_json_follows_the_stroke_and_its_move_on_the_canvas() -> None:
    xs = np.linspace(0, 699, 12)
    points = np.column_stack([xs, np.full(xs.size, FRAME.row_of(1.0))])
    drawn = signal_from_points(*points_from_fabric({"objects": [_path(points)]}), FRAME)
    np.testing.assert_allclose(drawn.values, 1.0, atol=1e-4)
    moved = _path(points)
    moved["top"] += FRAME.row_of(-1.0) - FRAME.row_of(1.0)  # dragged down by 2 units with the edit tool
    np.testing.assert_allclose(signal_from_points(*points_from_fabric({"objects": [moved]}), FRAME).values, -1.0, atol=1e-4)
    corner = _path(points) | {"originX": "left", "originY": "top"}  # older Fabric versions place paths by their corner
    corner["left"] -= (corner["width"] + corner["strokeWidth"]) / 2
    corner["top"] -= (corner["height"] + corner["strokeWidth"]) / 2
    np.testing.assert_allclose(signal_from_points(*points_from_fabric({"objects": [corner]}), FRAME).values, 1.0, atol=1e-4)


def test_hi_dpi_canvas_image_is_rescaled_to_the_frame() -> None:
    big = CanvasFrame(width=1400, height=602, low=-6.0, high=6.0)
    xs = np.arange(big.width)
    drawn = signal_from_image(_canvas_with(xs, np.full(xs.shape, big.row_of(-3.0)), big), FRAME)
    np.testing.assert_allclose(drawn.values, -3.0, atol=0.05)


BEAT = np.sin(np.linspace(0, 2 * np.pi, 140)).astype(np.float32)


def test_default_edits_leave_the_beat_unchanged() -> None:
    np.testing.assert_allclose(apply_edits(BEAT, BeatEdits()), BEAT, atol=1e-6)


def test_each_edit_changes_the_beat_as_named() -> None:
    noisy = add_noise(BEAT, 0.5, seed=1)
    assert 0.4 < np.std(noisy - BEAT) < 0.6
    np.testing.assert_array_equal(noisy, add_noise(BEAT, 0.5, seed=1))
    spiked = insert_spike(BEAT, 40, 4.0, width=2)
    assert spiked[40] - BEAT[40] == pytest.approx(4.0)
    assert np.count_nonzero(spiked - BEAT) == 5
    flat = flatten_segment(BEAT, 20, 60)
    assert np.all(flat[20:60] == BEAT[20]) and np.array_equal(flat[60:], BEAT[60:])
    shifted = shift_in_time(BEAT, 10)
    assert np.array_equal(shifted[10:], BEAT[:-10]) and np.all(shifted[:10] == BEAT[0])
    assert np.array_equal(shift_in_time(BEAT, -10)[:-10], BEAT[10:])
    scaled = scale_signal(BEAT, 2.0)
    assert np.ptp(scaled) == pytest.approx(2 * np.ptp(BEAT), rel=1e-5)
    with pytest.raises(ValueError, match="noise"):
        add_noise(BEAT, -1.0)


def test_combined_edits_and_nearest_beat() -> None:
    edited = apply_edits(BEAT, BeatEdits(noise=0.1, spike_height=3.0, flatten=(100, 120), shift=5, scale=1.5))
    assert edited.shape == (140,) and edited.dtype == np.float32 and np.isfinite(edited).all()
    assert edited[70] > BEAT[65] * 1.5 + 2.0  # the spike sits on the shifted, scaled beat
    beats = np.stack([BEAT + 3, BEAT, -BEAT])
    assert nearest_beat(BEAT + 0.1, beats) == 1
    with pytest.raises(ValueError, match="beats"):
        nearest_beat(BEAT, np.empty((0, 140)))
