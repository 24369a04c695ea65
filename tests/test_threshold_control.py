"""One threshold control on Home, Evaluate and Draw: the same threshold for the same model, one range rule, and a
log-scale choice that holds on every page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.chosen_threshold import CHOICE_KEY
from ui.threshold_control import SCALE_KEY, clamp_threshold, slider_key, slider_position, threshold_bounds

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"home": "pages/home.py", "eval": "pages/evaluate.py", "draw": "pages/draw.py"}


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    return at


def test_a_threshold_set_on_one_page_is_the_threshold_on_the_others(app: AppTest) -> None:
    app.slider(key=slider_key("home", log=False)).set_value(0.002).run()
    assert app.session_state[CHOICE_KEY].value == pytest.approx(0.002)
    for prefix in ("eval", "draw"):
        app.switch_page(PAGES[prefix]).run()
        assert not app.exception
        assert app.slider(key=slider_key(prefix, log=False)).value == pytest.approx(0.002)
    app.slider(key=slider_key("draw", log=False)).set_value(0.003).run()
    app.switch_page(PAGES["home"]).run()
    assert app.slider(key=slider_key("home", log=False)).value == pytest.approx(0.003)


def test_every_page_has_the_log_option_and_the_choice_holds_across_pages(app: AppTest) -> None:
    app.toggle(key="home_log_scale").set_value(True).run()
    assert app.session_state[SCALE_KEY] is True
    threshold = app.session_state[CHOICE_KEY].value if CHOICE_KEY in app.session_state else None
    for prefix in ("eval", "draw"):
        app.switch_page(PAGES[prefix]).run()
        assert app.toggle(key=f"{prefix}_log_scale").value is True
        slider = app.slider(key=slider_key(prefix, log=True))
        assert slider.label == "Threshold (log₁₀ of the error)"
        if threshold is not None:
            assert slider.value == pytest.approx(np.log10(threshold))


def test_one_range_rule_spans_the_scores_on_both_scales() -> None:
    low, high = 0.0004, 0.05
    lin_low, lin_high, step = threshold_bounds(low, high, log=False)
    log_low, log_high, _ = threshold_bounds(low, high, log=True)
    assert lin_low == 0.0 and lin_high > high and step == pytest.approx(lin_high / 500)
    assert 10**log_low < low and 10**log_high > high
    assert clamp_threshold(low, high, 0.0) == pytest.approx(10**log_low)  # 0 still shows on the log scale
    assert slider_position(0.01, log=True) == pytest.approx(-2.0) and slider_position(0.01, log=False) == 0.01
