"""Home's light charts (HTML and SVG, no chart library): round ticks, the beat where its values are, a tooltip per step."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.figures import ANOMALY_COLOR, RECON_COLOR
from ui.home.charts import autoencoder_picture
from ui.light_charts import Line, line_chart_html, nice_ticks, reconstruction_chart, tick_text

SVG = "{http://www.w3.org/2000/svg}"


def _parse(html: str) -> ET.Element:
    """The chart as XML (it is written well-formed, so a parser can check what a browser would draw)."""
    return ET.fromstring(html.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def _polyline(root: ET.Element, color: str) -> np.ndarray:
    line = next(p for p in root.iter(f"{SVG}polyline") if p.get("stroke") == color)
    return np.array([[float(v) for v in point.split(",")] for point in line.get("points", "").split()])


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6))
def test_ticks_are_round_evenly_spaced_and_cover_the_values(low: float, span: float) -> None:
    high = low + span
    ticks = nice_ticks(low, high)
    steps = np.diff(ticks)
    slack = 1e-6 * steps[0]  # a value a hair beyond a tick is drawn on it
    assert ticks[0] <= low + slack and ticks[-1] >= high - slack and 3 <= len(ticks) <= 7
    assert np.allclose(steps, steps[0], rtol=1e-6)
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
    assert any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 2.5, 5, 10))  # 10: 0.1 came out as 0.0999…


def test_a_flat_series_still_gets_an_axis() -> None:
    ticks = nice_ticks(3.0, 3.0)
    assert ticks[0] < 3.0 < ticks[-1]


def test_tick_labels_have_the_decimals_their_spacing_needs() -> None:
    assert tick_text([-6.0, -4.0, 0.0, 2.0]) == ["-6", "-4", "0", "2"]
    assert tick_text([0.0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"]
    assert tick_text([0.001, 0.002]) == ["0.001", "0.002"]
    assert tick_text(nice_ticks(64.0, 64.25)) == ["64.0", "64.1", "64.2", "64.3"]  # spacing 0.0999999999999943


def test_the_beat_is_drawn_where_its_values_are_with_the_error_shaded(ecg) -> None:
    beat = ecg.signals[0].astype(np.float64)
    rebuilt = beat + 0.3 * np.sin(np.arange(beat.size) / 5)
    root = _parse(reconstruction_chart(beat, rebuilt, title="Test beat #0", y_label="amplitude"))
    drawn = _polyline(root, ANOMALY_COLOR)
    assert drawn[:, 0].tolist() == list(range(beat.size))
    ticks = nice_ticks(float(min(beat.min(), rebuilt.min())), float(max(beat.max(), rebuilt.max())))
    expected = 100 * (ticks[-1] - beat) / (ticks[-1] - ticks[0])  # 0 at the top tick, 100 at the bottom one
    np.testing.assert_allclose(drawn[:, 1], expected, atol=0.006)
    assert int(np.argmin(drawn[:, 1])) == int(np.argmax(beat))  # the highest point is the beat's peak
    assert _polyline(root, RECON_COLOR).shape == (beat.size, 2)
    assert len(list(root.iter(f"{SVG}polygon"))) == 1  # the shaded gap
    labels = [span.text for span in root.iter("span") if span.text and span.text.lstrip("-").isdigit()]
    assert labels[: len(ticks)] == tick_text(ticks)


def test_every_step_names_its_values_on_hover() -> None:
    beat, rebuilt = np.array([0.0, 1.0, 2.5]), np.array([0.5, 1.0, 2.0])
    root = _parse(reconstruction_chart(beat, rebuilt, title="t", y_label="y"))
    tips = [title.text for title in root.iter(f"{SVG}title")]
    assert tips == [
        "step 0: reconstruction 0.500, beat (error shaded) 0.000",
        "step 1: reconstruction 1.000, beat (error shaded) 1.000",
        "step 2: reconstruction 2.000, beat (error shaded) 2.500",
    ]


def test_text_is_escaped_and_bad_series_are_refused() -> None:
    html = line_chart_html([Line(np.arange(3.0), "#000", "a <b> & c")], title="<script>x</script>", x_label="t", y_label="v")
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &lt;b&gt; &amp; c" in html
    with pytest.raises(ValueError, match="same length"):
        line_chart_html([Line(np.arange(3.0), "#000", "a"), Line(np.arange(4.0), "#111", "b")], title="", x_label="", y_label="")
    with pytest.raises(ValueError, match="two steps"):
        line_chart_html([Line(np.arange(1.0), "#000", "a")], title="", x_label="", y_label="")


def test_the_autoencoder_picture_has_a_bar_per_layer_sized_by_its_units() -> None:
    root = ET.fromstring(autoencoder_picture([140, 64, 32, 16, 32, 64, 140]))
    assert root.get("aria-label") == "Autoencoder layers: 140 → 64 → 32 → 16 → 32 → 64 → 140"
    cells = list(root)
    sizes = [cell.text for cell in cells if "grid-row:1" in cell.get("style", "")]
    bars = [cell[0].get("style", "") for cell in cells if "grid-row:2" in cell.get("style", "")]
    roles = [cell.text for cell in cells if "grid-row:3" in cell.get("style", "")]
    assert sizes == ["140", "64", "32", "16", "32", "64", "140"]
    heights = [float(style.split("height:")[1].split("%")[0]) for style in bars]
    assert heights[0] == heights[-1] == 100 and min(heights) == heights[3]
    assert roles == ["input", "encoder: compress", "bottleneck", "decoder: rebuild", "output"]
    shallow = ET.fromstring(autoencoder_picture([140, 8, 140]))
    assert [c.text for c in shallow if "grid-row:3" in c.get("style", "")] == ["input", "bottleneck", "output"]
    with pytest.raises(ValueError, match="odd number"):
        autoencoder_picture([140, 8])
