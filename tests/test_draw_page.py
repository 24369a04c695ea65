"""Draw page under AppTest with the real ready model: drawings injected as canvas images, bending, gallery, bulk CSV."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from anomaly_core import BeatEdits, CanvasFrame, apply_edits, read_signals_csv
from ui.chosen_threshold import CHOICE_KEY, ThresholdChoice
from ui.current_model import default_model
from ui.draw import gallery
from ui.draw.canvas import CANVAS_HEIGHT, CANVAS_WIDTH, grid_image
from ui.draw.canvas_hooks import WIDTH_KEY
from ui.draw.gallery import signals_csv
from ui.draw.scoring import score_signals

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "pages" / "draw.py")
LAPTOP_COLUMN_PX = 980  # wide enough for the widest canvas (700 px)


@pytest.fixture(scope="module")
def ready():
    """The bundled ready model the page scores with when nothing is trained in the session."""
    return default_model()


def _page(width: int | None = LAPTOP_COLUMN_PX) -> AppTest:
    """The Draw page alone; `width`: the column width its browser has reported (None: not yet)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    if width is not None:
        at.session_state[WIDTH_KEY] = {"width": width}
    return at


@pytest.fixture
def at() -> AppTest:
    return _page().run()


def _frame(ready) -> CanvasFrame:
    lowest, highest = ready.scaler.value_range
    low, high = np.floor(lowest), np.ceil(highest)
    return CanvasFrame(width=CANVAS_WIDTH, height=CANVAS_HEIGHT, low=float(low), high=float(high))


def _canvas_state(frame: CanvasFrame, values: np.ndarray, steps: slice = slice(None)) -> dict:
    """What the canvas sends after a stroke tracing `values` over `steps`: a transparent PNG with 3-pixel ink."""
    image = np.zeros((frame.height, frame.width, 4), dtype=np.uint8)
    xs = np.arange(frame.width)
    rows = np.round(np.interp(xs, frame.x_of(np.arange(frame.length)), frame.row_of(values))).astype(int)
    keep = np.zeros(frame.width, bool)
    keep[steps.start * 5 if steps.start else 0 : steps.stop * 5 if steps.stop else None] = True
    for offset in (-1, 0, 1):
        image[np.clip(rows[keep] + offset, 0, frame.height - 1), xs[keep]] = (231, 111, 81, 255)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"drawing": {"raw": {"objects": []}, "data": url}}


def _metrics(at: AppTest, prefix: str) -> dict[str, str]:
    """Verdict, score and threshold shown by one tab: `draw_drawn` (first, when drawn) or `draw_bent` (always last)."""
    results = []
    for metric in at.metric:
        if metric.label == "Verdict":
            results.append({})
        if results and metric.label in ("Verdict", "Anomaly score", "Threshold"):
            results[-1][metric.label] = metric.value
    if prefix == "draw_drawn":
        assert len(results) == 2, "no verdict for the drawing"
        return results[0]
    return results[-1]


def _median_normal_beat(ready) -> np.ndarray:
    normal = np.flatnonzero(ready.split.y_test == 0)
    median = normal[np.argsort(ready.test_scores[normal])[len(normal) // 2]]
    return ready.scaler.inverse(ready.split.x_test[median])


def test_page_opens_alone_with_an_empty_canvas_and_a_scored_test_beat(at: AppTest, ready) -> None:
    assert not at.exception
    assert any("canvas is empty" in info.value for info in at.info)
    assert at.slider(key="draw_threshold_slider").value == pytest.approx(ready.threshold, rel=1e-6)
    verdicts = [m.value for m in at.metric if m.label == "Verdict"]
    assert verdicts in (["Normal"], ["Anomaly"])  # only the bend tab has a beat to score before anything is drawn


def test_no_canvas_until_the_browser_reports_the_columns_width() -> None:
    at = _page(width=None).run()  # a canvas drawn now would be replaced once the width arrives, with its first stroke
    assert not at.exception
    assert any("Fitting the canvas" in caption.value for caption in at.caption)
    assert any("canvas is empty" in info.value for info in at.info)
    at.session_state[WIDTH_KEY] = {"width": LAPTOP_COLUMN_PX}
    at.run()
    assert not any("Fitting the canvas" in caption.value for caption in at.caption)


def test_drawn_normal_beat_is_normal_and_a_flat_high_line_is_an_anomaly(at: AppTest, ready) -> None:
    frame = _frame(ready)
    at.session_state["draw_canvas_0_700"] = _canvas_state(frame, _median_normal_beat(ready))
    at.run()
    assert not at.exception and not any("canvas is empty" in info.value for info in at.info)
    drawn = _metrics(at, "draw_drawn")
    assert drawn["Verdict"] == "Normal"
    assert float(drawn["Anomaly score"]) < ready.threshold
    at.session_state["draw_canvas_0_700"] = _canvas_state(frame, np.full(140, 4.0))
    at.run()
    drawn = _metrics(at, "draw_drawn")
    assert drawn["Verdict"] == "Anomaly"
    assert float(drawn["Anomaly score"]) > 5 * ready.threshold


def test_short_stroke_gets_a_hint_and_clear_empties_the_canvas(at: AppTest, ready) -> None:
    at.session_state["draw_canvas_0_700"] = _canvas_state(_frame(ready), np.zeros(140), slice(60, 80))
    at.run()
    assert any("covers 14%" in warning.value and "at least 20%" in warning.value for warning in at.warning)
    assert len([m for m in at.metric if m.label == "Verdict"]) == 1  # only the bend tab's beat is scored
    at.button(key="draw_clear").click().run()
    assert at.session_state["draw_canvas_round"] == 1
    assert "draw_canvas_0_700" not in at.session_state
    assert any("canvas is empty" in info.value for info in at.info)


def test_threshold_decides_the_verdict(at: AppTest, ready) -> None:
    at.session_state["draw_canvas_0_700"] = _canvas_state(_frame(ready), _median_normal_beat(ready))
    at.slider(key="draw_threshold_slider").set_value(0.0).run()
    assert _metrics(at, "draw_drawn")["Verdict"] == "Anomaly"
    assert float(_metrics(at, "draw_drawn")["Threshold"]) <= ready.test_scores.min()  # the range's bottom: all flagged


def test_threshold_starts_from_the_evaluate_pages_threshold_for_the_same_model(ready) -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[CHOICE_KEY] = ThresholdChoice(ready, 0.004)
    at.run()
    assert at.slider(key="draw_threshold_slider").value == pytest.approx(0.004)
    at.session_state[CHOICE_KEY] = ThresholdChoice(ready, 0.002)  # moved on the Evaluate page: the Draw page follows
    at.run()
    assert at.slider(key="draw_threshold_slider").value == pytest.approx(0.002)
    at.session_state[CHOICE_KEY] = ThresholdChoice(object(), 0.002)  # chosen for another model: back to this model's suggestion
    at.run()
    assert at.slider(key="draw_threshold_slider").value == pytest.approx(ready.threshold, rel=1e-6)


def test_bending_a_normal_beat_raises_its_score_and_reset_undoes_it(at: AppTest, ready) -> None:
    bent_score = lambda: float(_metrics(at, "draw_bent")["Anomaly score"])  # noqa: E731
    start = bent_score()
    assert start == pytest.approx(ready.test_scores[ready.split.classes_test == 1][0], rel=1e-3, abs=1e-5)
    for key, value in (
        ("draw_bend_noise", 0.5),
        ("draw_bend_scale", 2.0),
        ("draw_bend_shift", 25),
        ("draw_bend_flatten", (10, 70)),
    ):
        at.slider(key=key).set_value(value).run()
        assert not at.exception
    assert bent_score() > start and _metrics(at, "draw_bent")["Verdict"] == "Anomaly"
    at.button(key="draw_bend_reset").click().run()
    assert bent_score() == pytest.approx(start, rel=1e-6)
    at.slider(key="draw_bend_spike_height").set_value(5.0).run()  # a spike alone (on top of the bends the model's
    assert bent_score() > 5 * start and _metrics(at, "draw_bent")["Verdict"] == "Anomaly"  # score need not grow further)
    at.button(key="draw_bend_reset").click().run()
    assert bent_score() == pytest.approx(start, rel=1e-6)
    assert at.slider(key="draw_bend_spike_height").value == 0.0


def test_choosing_beats_and_guides_of_other_classes(at: AppTest, ready) -> None:
    at.number_input(key="draw_bend_beat_index").set_value(50).run()
    at.selectbox(key="draw_bend_beat_class").set_value(5).run()  # class 5 has fewer beats: the number is clamped
    assert not at.exception and not at.warning
    assert at.number_input(key="draw_bend_beat_index").value == int(np.sum(ready.split.classes_test == 5))
    at.selectbox(key="draw_guide_class").set_value(2).run()
    assert not at.exception


def test_gallery_keeps_saved_beats_and_its_csv_reads_back(at: AppTest, ready) -> None:
    assert any("Nothing saved yet" in info.value for info in at.info)
    at.button(key="draw_save_bent").click().run()
    assert "Saved “1. Normal test beat #1” to the gallery." in [toast.value for toast in at.toast]
    at.slider(key="draw_bend_spike_height").set_value(4.0).run()
    at.button(key="draw_save_bent").click().run()
    saved = at.session_state["draw_gallery"]
    assert [beat.name for beat in saved] == ["1. Normal test beat #1", "2. Normal test beat #1 (bent)"]
    table = at.dataframe[0].value  # the gallery table (no other table is on the page)
    assert table["score"][1] > table["score"][0]  # the spike raised the score
    assert list(table["verdict"]) == ["Anomaly" if score > ready.threshold else "Normal" for score in table["score"]]
    signals = np.stack([beat.values for beat in saved])
    back = read_signals_csv(signals_csv(signals), 140)
    np.testing.assert_allclose(back.signals, signals, atol=1e-4)
    np.testing.assert_allclose(table["score"], score_signals(ready, back.signals), rtol=1e-3)
    at.button(key="draw_gallery_clear").click().run()
    assert at.session_state["draw_gallery"] == []


def test_saving_keeps_the_bent_beat_on_screen_and_says_so(at: AppTest, ready) -> None:
    at.slider(key="draw_bend_spike_height").set_value(3.0).run()
    at.slider(key="draw_bend_scale").set_value(1.5).run()
    shown = float(_metrics(at, "draw_bent")["Anomaly score"])
    at.button(key="draw_save_bent").click().run()  # the button lies outside the bend tab's fragment
    assert "Saved “1. Normal test beat #1 (bent)” to the gallery." in [toast.value for toast in at.toast]
    (saved,) = at.session_state["draw_gallery"]
    beat = ready.scaler.inverse(ready.split.x_test[np.flatnonzero(ready.split.classes_test == 1)[0]])
    edits = BeatEdits(spike_at=70, spike_height=3.0, scale=1.5)
    np.testing.assert_allclose(saved.values, apply_edits(beat, edits), atol=1e-5)
    assert float(at.dataframe[0].value["score"][0]) == pytest.approx(shown, rel=1e-4)


def test_a_threshold_move_rescores_no_saved_beat(at: AppTest, ready, monkeypatch: pytest.MonkeyPatch) -> None:
    at.button(key="draw_save_bent").click().run()
    at.slider(key="draw_bend_spike_height").set_value(5.0).run()
    at.button(key="draw_save_bent").click().run()
    calls = []
    monkeypatch.setattr(gallery, "score_signals", lambda *args: calls.append(args) or score_signals(*args))
    scores = at.dataframe[0].value["score"]
    between = float(np.mean(scores))
    at.slider(key="draw_threshold_slider").set_value(between).run()
    assert list(at.dataframe[0].value["verdict"]) == ["Normal", "Anomaly"]
    at.slider(key="draw_threshold_slider").set_value(0.0).run()
    assert list(at.dataframe[0].value["verdict"]) == ["Anomaly", "Anomaly"]
    assert calls == []  # the scores were kept from the saves
    at.button(key="draw_save_bent").click().run()  # another beat: scored again
    assert len(calls) == 1 and len(at.dataframe[0].value) == 3


def test_bulk_csv_with_labels_is_scored_row_by_row(at: AppTest, ready) -> None:
    rows = np.r_[np.flatnonzero(ready.split.y_test == 0)[:15], np.flatnonzero(ready.split.y_test == 1)[:15]]
    beats = ready.scaler.inverse(ready.split.x_test[rows])
    lines = [",".join(["label", *[f"t{i}" for i in range(140)]])]
    lines += [",".join([str(c), *[f"{v:.6f}" for v in beat]]) for c, beat in zip(ready.split.classes_test[rows], beats)]
    at.file_uploader(key="draw_bulk_file").set_value(("beats.csv", "\n".join(lines).encode(), "text/csv")).run()
    assert not at.exception and not at.error
    results = at.dataframe[0].value  # the bulk results (the gallery is empty)
    assert len(results) == 30 and list(results.columns) == ["beat", "score", "verdict", "class", "class name"]
    np.testing.assert_allclose(results["score"], ready.test_scores[rows], rtol=1e-3)
    flagged = results["score"] > ready.threshold
    assert list(results["verdict"]) == ["Anomaly" if f else "Normal" for f in flagged]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Beats scored"] == "30" and shown["Called anomalies"] == str(int(flagged.sum()))
    assert float(shown["Agree with the labels"].rstrip("%")) > 80
    at.file_uploader(key="draw_bulk_file").set_value(None).run()
    assert "draw_bulk_parsed" not in at.session_state and not at.dataframe


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"1,2,3\n4,5,6\n", "each row needs 140 values"),
        (("a," * 139 + "b\n").encode() + ("x," * 139 + "y\n").encode(), "not a number"),
        ((",".join(["0.5"] * 139) + ",nan\n").encode(), "NaN"),
        (b"", "empty"),
        (b"0" * (21 * 1024 * 1024), "the limit is 20 MB"),
    ],
    ids=["wrong-width", "text", "nan", "empty", "too-large"],
)
def test_bad_csv_files_get_a_clear_error(at: AppTest, content: bytes, message: str) -> None:
    at.file_uploader(key="draw_bulk_file").set_value(("bad.csv", content, "text/csv")).run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value and "bad.csv" in at.error[0].value
    assert any("canvas is empty" in info.value for info in at.info)  # the rest of the page still works


def test_page_runs_inside_the_app_navigation() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/draw.py").run()
    assert not at.exception
    assert at.title[0].value == "Draw a heartbeat"


def test_grid_image_shows_the_guide_beat() -> None:
    frame = CanvasFrame(width=CANVAS_WIDTH, height=CANVAS_HEIGHT, low=-6.0, high=5.0)
    plain = np.asarray(grid_image(frame))
    guided = np.asarray(grid_image(frame, np.full(140, 3.0)))
    assert plain.shape == (CANVAS_HEIGHT, CANVAS_WIDTH, 4)
    changed_rows = np.flatnonzero((plain != guided).any(axis=(1, 2)))
    assert abs(changed_rows.mean() - frame.row_of(3.0)) < 3
