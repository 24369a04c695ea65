"""Classroom mode: a teacher's link hides and locks Train controls, shows the lesson as text, and lessons are ready links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import make_split
from ui.presets import PRESETS
from ui.settings import SETTINGS_KEY
from ui.sharing.classroom import CLASSROOM_KEY, CONTROL_GROUPS, MAX_LESSON_CHARS, clean_lesson_text
from ui.sharing.codec import THRESHOLD_KEY, decode_params
from ui.sharing.lessons import LESSONS, lesson_params

ROOT = Path(__file__).resolve().parents[1]
LESSON_WITH_HTML = "Watch the <b>AUC</b> <script>alert('x')</script> & [click](http://example.com)"
# The Train page's widget keys per control group (pages/train.py through ui/train/controls.py and ui/train/composer.py).
GROUP_WIDGETS = {
    "layers": ["w_family", "w_layer_count", "w_units_0", "w_latent"],
    "optimizer": ["w_optimizer"],
    "learning_rate": ["w_learning_rate"],
    "regularizer": ["w_regularizer", "w_regularization_rate"],
    "data_sizes": ["w_train_size", "w_test_size"],
    "abnormal": ["w_abnormal_pct"],
    "device": ["w_device"],
    "loss": ["w_loss"],
    "seed": ["w_seed"],
}


def open_link(params: dict[str, str]) -> AppTest:
    """The app opened with a link's query parameters (lands on Home, where the link is applied)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    return at


def widgets_by_key(at: AppTest) -> dict:
    widgets = [*at.number_input, *at.selectbox, *at.slider, *at.select_slider]
    return {widget.key: widget for widget in widgets}


def test_a_classroom_link_hides_and_locks_train_controls() -> None:
    at = open_link({"hide": "layers,optimizer", "lock": "learning_rate,seed", "lr": "0.01", "lesson": "Raise the rate."})
    at.switch_page("pages/train.py").run()
    assert not at.exception
    shown = widgets_by_key(at)
    for key in GROUP_WIDGETS["layers"] + GROUP_WIDGETS["optimizer"]:
        assert key not in shown, f"{key} should be hidden"
    for key in GROUP_WIDGETS["learning_rate"] + GROUP_WIDGETS["seed"]:
        assert shown[key].disabled, f"{key} should be locked"
    assert shown["w_learning_rate"].value == 0.01  # a locked control still shows the lesson's value
    for group in ("regularizer", "data_sizes", "abnormal", "device", "loss"):
        assert all(not shown[key].disabled for key in GROUP_WIDGETS[group]), f"{group} should be open"
    assert at.session_state[SETTINGS_KEY].model.encoder_hidden == (64, 32)  # hidden settings keep the link's values
    assert all(at.button(key=f"preset_{key}").disabled for key in PRESETS)  # a preset would undo the lesson


def test_presets_stay_available_outside_a_lesson() -> None:
    at = open_link({"lr": "0.01"})
    at.switch_page("pages/train.py").run()
    assert not any(at.button(key=f"preset_{key}").disabled for key in PRESETS)


def test_a_root_link_opens_the_train_page_with_the_lesson_beside_it() -> None:
    at = open_link({"page": "train", "hide": "optimizer", "lock": "loss", "lesson": "Which loss is used?"})
    assert at.title[0].value == "Train an autoencoder"
    assert "Which loss is used?" in [t.value for t in at.sidebar.text]
    assert "Which loss is used?" in [t.value for t in at.main.text]
    shown = widgets_by_key(at)
    assert "w_optimizer" not in shown and shown["w_loss"].disabled and not shown["w_epochs"].disabled
    at.number_input(key="w_epochs").set_value(5).run()  # the learner's own change is kept: the link applies once
    assert at.session_state[SETTINGS_KEY].train.epochs == 5 and widgets_by_key(at)["w_loss"].disabled


def test_every_control_group_can_be_hidden() -> None:
    at = open_link({"hide": ",".join(CONTROL_GROUPS)})
    at.switch_page("pages/train.py").run()
    assert not at.exception
    shown = widgets_by_key(at)
    assert not [key for keys in GROUP_WIDGETS.values() for key in keys if key in shown]


def test_the_lesson_text_with_html_is_shown_as_plain_text() -> None:
    at = open_link({"lesson": LESSON_WITH_HTML, "lock": "seed"})
    assert [t.value for t in at.sidebar.text if t.value == LESSON_WITH_HTML] == [LESSON_WITH_HTML]
    rendered_as_markdown = [m.value for m in [*at.markdown, *at.sidebar.markdown, *at.caption, *at.sidebar.caption]]
    assert not any("<script>" in value or "<b>" in value for value in rendered_as_markdown)
    assert not any("alert('x')" in h.proto.body or "<b>AUC" in h.proto.body for h in at.get("html"))  # the app's own only
    assert LESSON_WITH_HTML in [t.value for t in at.main.text]  # on the page too, for phones that keep the sidebar shut
    assert any("seed" in c.value for c in at.sidebar.caption)


PRESETS_PAGE = """
import streamlit as st
from ui.sharing.classroom import presets_allowed
st.text(f"presets allowed: {presets_allowed()}")
"""


def test_presets_are_not_allowed_while_a_lesson_fixes_controls() -> None:
    at = AppTest.from_string(PRESETS_PAGE).run()
    assert at.text[0].value == "presets allowed: True"
    at.session_state[CLASSROOM_KEY] = {"seed": "locked"}
    assert at.run().text[0].value == "presets allowed: False"


def test_leaving_the_lesson_shows_every_control_again() -> None:
    at = open_link({"hide": "layers", "lesson": "Look closely."})
    at.sidebar.button(key="classroom_leave").click().run()
    assert not at.exception and at.session_state[CLASSROOM_KEY] == {}
    assert not [t for t in at.sidebar.text if t.value == "Look closely."]
    at.switch_page("pages/train.py").run()
    assert "w_units_0" in widgets_by_key(at)


def test_lesson_text_loses_control_characters_and_is_kept_short() -> None:
    assert clean_lesson_text("  line one\nline\x00 two\x1b[31m  ") == "line one\nline two[31m"
    assert len(clean_lesson_text("ab" * 1000)) == MAX_LESSON_CHARS


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.key)
def test_each_built_in_lesson_is_a_working_link_with_one_question(lesson, ecg) -> None:
    decoded, ignored = decode_params(lesson_params(lesson), check_data=lambda cfg: make_split(ecg, cfg))
    assert ignored == [] and decoded == lesson.state
    assert lesson.state.classroom.lesson.count("?") >= 1 and "Question:" in lesson.state.classroom.lesson
    assert len(lesson.state.classroom.lesson) <= MAX_LESSON_CHARS


def test_there_are_three_to_five_lessons_with_distinct_setups() -> None:
    assert 3 <= len(LESSONS) <= 5
    assert len({repr(lesson_params(lesson)) for lesson in LESSONS}) == len(LESSONS)


def test_a_lesson_link_opens_its_setup_on_the_train_page() -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.key == "lr_too_high")
    at = open_link(lesson_params(lesson))
    assert at.session_state[SETTINGS_KEY] == lesson.state.settings
    at.switch_page("pages/train.py").run()
    shown = widgets_by_key(at)
    assert shown["w_learning_rate"].value == 3.0 and not shown["w_learning_rate"].disabled
    assert shown["w_optimizer"].disabled and "w_epochs" in shown and "w_units_0" not in shown


def test_the_teacher_page_turns_choices_into_a_link_that_reproduces_them() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/teacher.py").run()
    assert not at.exception
    at.radio(key="teacher_mode_seed").set_value("hidden")
    at.radio(key="teacher_mode_loss").set_value("locked")
    at.selectbox(key="teacher_base").set_value("contaminated")
    at.selectbox(key="teacher_threshold").set_value("youden")
    at.text_area(key="teacher_lesson").input(LESSON_WITH_HTML).run()
    assert not at.exception
    assert LESSON_WITH_HTML in [t.value for t in at.text]  # the preview is plain text too
    link = at.code[0].value
    decoded, ignored = decode_params(dict(parse_qsl(urlsplit(link).query)))
    assert ignored == [] and urlsplit(link).path == "/" and "page=train" in link
    assert decoded.classroom.modes == {"seed": "hidden", "loss": "locked"}
    assert decoded.classroom.lesson == LESSON_WITH_HTML
    assert decoded.settings.data.abnormal_fraction == 0.3 and decoded.threshold_strategy == "youden"
    assert at.session_state[THRESHOLD_KEY] == "mean_std"  # building a link does not change the teacher's own session


def test_the_home_page_lists_every_lesson_as_a_train_page_link() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    links = [link.proto for link in at.get("page_link") if link.proto.page == "train" and link.proto.query_string]
    by_title = {link.label: link.query_string for link in links}
    assert sorted(by_title) == sorted(lesson.title for lesson in LESSONS)
    for lesson in LESSONS:
        assert decode_params(dict(parse_qsl(by_title[lesson.title]))) == (lesson.state, [])


@pytest.mark.parametrize("page", ["teacher.py", "home.py"])
def test_pages_with_lesson_links_also_run_alone(page: str) -> None:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60).run()
    assert not at.exception
    assert any("train?" in m.value for m in at.markdown)  # a plain link stands in for the page link
