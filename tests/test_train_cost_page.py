"""The Train page shows the core's cost estimate, refuses a run over a hard limit (saying what to change) and asks
before starting a long one."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from anomaly_core.cost import RunSizes, check_run_cost
from ui.datasets import ecg_split
from ui.runs import FOLLOWED_RUN_KEY
from ui.settings import SETTINGS_KEY

ROOT = Path(__file__).resolve().parents[1]


def texts(elements) -> str:
    return " ".join(str(element.value) for element in elements)


def train_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    return at


def lstm(at: AppTest, hidden: int, layers: int, chunk: int) -> AppTest:
    at.selectbox(key="w_family").set_value("lstm").run()
    at.number_input(key="w_lstm_hidden").set_value(hidden)
    at.number_input(key="w_lstm_layers").set_value(layers)
    at.selectbox(key="w_lstm_chunk").set_value(chunk)
    at.run()
    assert not at.exception
    return at


def test_the_default_shows_its_estimate_and_trains() -> None:
    at = train_page()
    assert "Estimated training time:" in texts(at.caption) and "40 epochs" in texts(at.caption)
    assert not at.button(key="train_button").disabled and not at.error


def test_a_run_over_a_hard_limit_cannot_start_and_says_what_to_change() -> None:
    at = lstm(train_page(), 256, 3, 1)  # the model: a 54-hour estimate before
    assert "This run cannot start" in texts(at.error) and "To fit, choose" in texts(at.error)
    assert at.button(key="train_button").disabled and at.button(key="step_button").disabled
    assert FOLLOWED_RUN_KEY not in at.session_state or at.session_state[FOLLOWED_RUN_KEY] is None


def test_a_long_run_starts_only_when_confirmed() -> None:
    at = lstm(train_page(), 64, 1, 7)
    at.number_input(key="w_epochs").set_value(1000).run()
    settings = at.session_state[SETTINGS_KEY]
    check = check_run_cost(settings.model, settings.train, RunSizes.of(ecg_split(settings.data)))
    assert check.refused is None and check.confirm is not None  # the core asks: so must the page
    assert check.confirm in texts(at.warning) and at.button(key="train_button").disabled
    at.checkbox[0].check().run()
    assert not at.button(key="train_button").disabled
    at.button(key="train_button").click().run()
    assert not at.exception and at.session_state[FOLLOWED_RUN_KEY] is not None and not at.error
    at.button(key="stop_button").click().run()  # no need to wait for 2000 epochs
