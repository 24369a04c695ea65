"""Home page under AppTest on the real ready model: headline AUC, every beat choice, the threshold, the tour."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import CLASS_NAMES, ThresholdSweep, verdict
from ui.current_model import ACTIVE_MODEL_KEY, default_model
from ui.home.inference import (
    BEAT_KINDS,
    CLASS_KEY,
    DETAILS_KEY,
    INDEX_KEY,
    KIND_KEY,
    NEW_BEAT_KEY,
    THRESHOLD_KEY,
    candidate_beats,
    outcome,
    pick_test_beat,
)
from ui.home.intro import INTRO_TAB_KEY, INTRO_TABS
from ui.presets import PRESETS
from ui.settings import SETTINGS_KEY, LabSettings
from ui.tour import DONE, STEP_KEY, TOUR_STEPS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ready():
    return default_model()


@pytest.fixture
def home() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


PAGE_TITLES = {
    re.search(r'st\.title\("([^"]+)"\)', page.read_text()).group(1): page.name for page in (ROOT / "pages").glob("*.py")
}  # each page file's title, read from its source


def current_page(at: AppTest) -> str:
    """File name of the page the last run ended on, known by the title it shows."""
    return PAGE_TITLES[at.title[0].value]


def summary_line(at: AppTest) -> str:
    return next(md.value for md in at.markdown if md.value.startswith("**Whole test set.**"))


def test_home_shows_the_ready_models_test_auc(home: AppTest, ready) -> None:
    shown = float(metric(home, "Ready model: test AUC"))
    assert shown >= 0.98
    assert shown == pytest.approx(ready.summary.auc, abs=5e-4)
    assert metric(home, "Test beats") == f"{len(ready.split.x_test):,}"


def test_home_page_runs_alone(ready) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=60).run()
    assert not at.exception
    assert at.session_state[INDEX_KEY] in range(len(ready.split.x_test))


@pytest.mark.parametrize("kind", BEAT_KINDS)
def test_every_beat_choice_shows_a_matching_beat(home: AppTest, ready, kind: str) -> None:
    classes = ready.split.classes_test
    home.radio(key=KIND_KEY).set_value(kind).run()
    labels = [2, 3, 4, 5] if kind == "By class" else [None]
    for label in labels:
        if label is not None:
            home.selectbox(key=CLASS_KEY).set_value(label).run()
        assert not home.exception
        index = home.session_state[INDEX_KEY]
        assert index in candidate_beats(classes, kind, label or 1)
        beat_class = int(classes[index])
        assert metric(home, "True class") == f"{beat_class} · {CLASS_NAMES[beat_class]}"
        assert metric(home, "Reconstruction error (score)") == f"{ready.test_scores[index]:.5f}"


def test_the_first_screen_draws_its_beat_without_a_chart_library(home: AppTest, ready) -> None:
    """Home's beat is a light chart (HTML and SVG): a cold start loads no plotly bundle; a new beat redraws it."""
    assert home.get("plotly_chart") == []
    for _ in range(2):
        index = home.session_state[INDEX_KEY]
        chart = next(md.value for md in home.markdown if f"Test beat #{index} and its reconstruction" in md.value)
        first_value = ready.scaler.inverse(ready.split.x_test[index : index + 1])[0][0]
        assert "step 0: reconstruction " in chart and f"beat (error shaded) {first_value:.3f}</title>" in chart
        home.button(key=NEW_BEAT_KEY).click().run()


def test_class_box_is_only_active_for_by_class(home: AppTest) -> None:
    assert home.selectbox(key=CLASS_KEY).disabled
    home.radio(key=KIND_KEY).set_value("By class").run()
    assert not home.selectbox(key=CLASS_KEY).disabled


def test_pick_another_beat_changes_the_beat(home: AppTest, ready) -> None:
    home.radio(key=KIND_KEY).set_value("Abnormal").run()
    seen = {home.session_state[INDEX_KEY]}
    for _ in range(3):
        before = home.session_state[INDEX_KEY]
        home.button(key=NEW_BEAT_KEY).click().run()
        after = home.session_state[INDEX_KEY]
        assert after != before and ready.split.classes_test[after] != 1
        seen.add(after)
    assert len(seen) >= 3


def test_threshold_slider_moves_the_verdict_and_the_summary(home: AppTest, ready) -> None:
    home.radio(key=KIND_KEY).set_value("Normal").run()
    home.slider(key=THRESHOLD_KEY).set_value(0.0).run()
    assert metric(home, "Verdict") == "Anomaly"
    assert "flags 1,000 of the 1,000 test beats" in summary_line(home)
    assert any("false alarm" in e.value for e in home.error)
    top = float(np.quantile(ready.test_scores, 0.99))
    home.slider(key=THRESHOLD_KEY).set_value(top).run()
    flagged = int((ready.test_scores >= top).sum())
    assert f"flags {flagged:,} of the 1,000" in summary_line(home)
    index = home.session_state[INDEX_KEY]
    assert metric(home, "Verdict") == ("Anomaly" if ready.test_scores[index] >= top else "Normal")


def test_default_threshold_summary_counts_match_numpy(home: AppTest, ready) -> None:
    threshold = home.session_state[THRESHOLD_KEY]
    flagged = ready.test_scores >= threshold
    caught = int((flagged & (ready.split.y_test == 1)).sum())
    line = summary_line(home)
    assert f"flags {int(flagged.sum()):,} of" in line
    assert f"catches {caught:,} of the {int(ready.split.y_test.sum()):,} abnormal" in line


@pytest.mark.parametrize(
    ("tab", "text"),
    [
        (INTRO_TABS[0], "An **autoencoder**"),
        (INTRO_TABS[1], "The **reconstruction error**"),
        (INTRO_TABS[2], "we pick a **threshold**"),
        (INTRO_TABS[3], "**Precision** ="),
    ],
)
def test_each_lesson_tab_runs_only_when_open(home: AppTest, ready, tab: str, text: str) -> None:
    home.session_state[INTRO_TAB_KEY] = tab
    home.run()
    assert not home.exception
    lessons = [
        md.value
        for md in home.markdown
        if any(t in md.value for t in ("**autoencoder**", "**reconstruction", "**threshold**", "**Precision**"))
    ]
    assert len(lessons) == 1 and text in lessons[0]


def test_lessons_quote_the_ready_models_numbers(home: AppTest, ready) -> None:
    home.session_state[INTRO_TAB_KEY] = INTRO_TABS[3]
    home.run()
    counts = ThresholdSweep(ready.split.y_test, ready.test_scores).at(ready.threshold)
    lesson = next(md.value for md in home.markdown if "**Precision** =" in md.value)
    assert f"**Precision** = {counts.tp} / {counts.tp + counts.fp}" in lesson
    assert f"**Recall** = {counts.tp} / {counts.tp + counts.fn}" in lesson
    assert home.table[0].value.loc["truly abnormal", "called anomaly"] == counts.tp
    home.session_state[INTRO_TAB_KEY] = INTRO_TABS[2]
    home.run()
    assert any(f"The suggested threshold, {ready.threshold:.5f}" in md.value for md in home.markdown)
    home.session_state[INTRO_TAB_KEY] = INTRO_TABS[1]
    home.run()
    window = ready.config.score_smoothing
    assert any(f"first averaged over {window} neighbouring steps" in md.value for md in home.markdown)


def test_error_details_open_on_demand(home: AppTest) -> None:
    hint = "The score is the mean of these per-step errors"
    assert not any(hint in c.value for c in home.caption)
    home.session_state[DETAILS_KEY] = True
    home.run()
    assert not home.exception
    assert any(hint in c.value for c in home.caption)


def test_start_the_tour_opens_step_one_with_its_bar(home: AppTest) -> None:
    home.button(key="tour_start").click().run()
    assert current_page(home) == Path(TOUR_STEPS[0].page).name
    assert home.session_state[STEP_KEY] == 0
    assert home.button(key="tour_back").disabled
    assert any("Tour 1/5" in md.value for md in home.markdown)


@pytest.mark.parametrize("number", range(len(TOUR_STEPS) - 1))
def test_next_step_opens_the_next_page_with_its_preset(home: AppTest, number: int) -> None:
    following = TOUR_STEPS[number + 1]
    home.session_state[SETTINGS_KEY] = PRESETS["overfit"].settings  # something no step loads
    home.session_state[STEP_KEY] = number
    home.run()
    home.button(key="tour_next").click().run()
    assert not home.exception
    assert current_page(home) == Path(following.page).name
    assert home.session_state[SETTINGS_KEY].preset == (following.preset or "overfit")
    assert home.session_state[STEP_KEY] == number + 1


def test_back_goes_to_the_previous_step_and_close_ends_the_tour(home: AppTest) -> None:
    home.session_state[STEP_KEY] = 3
    home.run()
    home.button(key="tour_back").click().run()
    assert home.session_state[STEP_KEY] == 2 and current_page(home) == Path(TOUR_STEPS[2].page).name
    home.button(key="tour_close").click().run()
    assert home.session_state[STEP_KEY] is None
    assert not any(b.key == "tour_next" for b in home.button)


def test_finishing_the_tour_names_the_lessons_and_restores_the_ready_model(home: AppTest) -> None:
    home.session_state[STEP_KEY] = len(TOUR_STEPS) - 1
    home.session_state[SETTINGS_KEY] = PRESETS["contaminated"].settings
    home.session_state[ACTIVE_MODEL_KEY] = dataclasses.replace(default_model(), name="Run 2 (contaminated)", is_default=False)
    home.run()
    home.button(key="tour_next").click().run()
    assert not home.exception
    assert current_page(home) == "home.py"
    assert home.session_state[STEP_KEY] == DONE
    assert home.session_state[ACTIVE_MODEL_KEY] is None
    assert home.session_state[SETTINGS_KEY].preset == "good_default"
    assert any(md.value.startswith("**Tour done") for md in home.markdown)


def test_tour_covers_data_train_threshold_draw_in_order() -> None:
    pages = [Path(step.page).stem for step in TOUR_STEPS]
    assert pages[:4] == ["data", "train", "evaluate", "draw"]
    assert all((ROOT / step.page).is_file() for step in TOUR_STEPS)
    assert all(step.preset is None or step.preset in PRESETS for step in TOUR_STEPS)
    assert LabSettings().preset is None


def test_pick_test_beat_is_reproducible_and_avoids_the_current_beat() -> None:
    classes = np.array([1, 1, 2, 3, 1, 2])
    assert pick_test_beat(classes, "Abnormal", 2, 7) == pick_test_beat(classes, "Abnormal", 2, 7)
    assert all(pick_test_beat(classes, "By class", 3, draw) == 3 for draw in range(5))  # only one candidate
    assert all(pick_test_beat(classes, "By class", 2, draw, avoid=2) == 5 for draw in range(5))
    with pytest.raises(ValueError, match="no test beat"):
        pick_test_beat(classes, "By class", 4, 0)
    with pytest.raises(ValueError, match="kind"):
        candidate_beats(classes, "Weird", 1)


def test_verdict_follows_the_metrics_convention(ready) -> None:
    score = float(ready.test_scores[0])
    assert verdict(score, score) == "Anomaly"  # at the threshold counts as flagged, as in ThresholdSweep
    counts = ThresholdSweep(ready.split.y_test, ready.test_scores).at(score)
    assert counts.tp + counts.fp == int((ready.test_scores >= score).sum())
    assert outcome(1, "Anomaly").startswith("Wrong") and outcome(3, "Normal").startswith("Wrong")
    assert outcome(2, "Anomaly").startswith("Correct") and outcome(1, "Normal").startswith("Correct")
