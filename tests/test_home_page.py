"""Home page under AppTest on the real ready model: headline AUC, every beat choice, the threshold, the guided demo."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import CLASS_NAMES, ThresholdSweep, verdict
from ui.current_model import default_model
from ui.home.demo import DEMO_STEPS, STEP_KEY
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
    threshold_limit,
)
from ui.home.intro import INTRO_TAB_KEY, INTRO_TABS
from ui.presets import PRESETS
from ui.settings import SETTINGS_KEY

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
    top = threshold_limit(ready.test_scores)
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


@pytest.mark.parametrize("number", range(len(DEMO_STEPS)))
def test_demo_step_opens_its_page_with_its_preset(home: AppTest, number: int) -> None:
    step = DEMO_STEPS[number]
    home.session_state[SETTINGS_KEY] = PRESETS["overfit"].settings  # something no step loads
    home.session_state[STEP_KEY] = number
    home.run()
    home.button(key="home_demo_go").click().run()
    assert current_page(home) == Path(step.page).name
    assert home.session_state[SETTINGS_KEY].preset == (step.preset or "overfit")
    assert home.session_state[STEP_KEY] == min(number + 1, len(DEMO_STEPS) - 1)


def test_demo_back_and_next_walk_the_steps(home: AppTest) -> None:
    assert home.button(key="home_demo_back").disabled
    for number in range(1, len(DEMO_STEPS)):
        home.button(key="home_demo_next").click().run()
        assert home.session_state[STEP_KEY] == number
    assert home.button(key="home_demo_next").disabled
    home.button(key="home_demo_back").click().run()
    assert home.session_state[STEP_KEY] == len(DEMO_STEPS) - 2
    assert current_page(home) == "home.py"


def test_verdict_follows_the_metrics_convention(ready) -> None:
    score = float(ready.test_scores[0])
    assert verdict(score, score) == "Anomaly"  # at the threshold counts as flagged, as in ThresholdSweep
    counts = ThresholdSweep(ready.split.y_test, ready.test_scores).at(score)
    assert counts.tp + counts.fp == int((ready.test_scores >= score).sum())
    assert outcome(1, "Anomaly").startswith("Wrong") and outcome(3, "Normal").startswith("Wrong")
    assert outcome(2, "Anomaly").startswith("Correct") and outcome(1, "Normal").startswith("Correct")
