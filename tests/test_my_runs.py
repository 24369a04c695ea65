"""My runs (sidebar) and Compare's "Use this model": any finished run becomes the current model; rename and delete."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.test_train_page import click, open_train_page, stored_run, texts, train
from ui.current_model import ACTIVE_MODEL_KEY
from ui.my_runs import PICK_KEY


def two_runs() -> tuple[AppTest, str, str]:
    at = open_train_page(w_epochs=1)
    train(at)
    first = stored_run(at).id
    at.number_input(key="w_latent").set_value(4).run()
    train(at)
    return at, first, stored_run(at).id


def test_use_rename_and_delete_a_run_from_the_sidebar() -> None:
    at, first, second = two_runs()
    assert at.session_state[ACTIVE_MODEL_KEY].run_id == second
    assert "My runs (2)" in [e.label for e in at.sidebar.expander]
    at.sidebar.selectbox(key=PICK_KEY).set_value(first).run()
    at.sidebar.button(key="my_runs_use").click().run()
    assert at.session_state[ACTIVE_MODEL_KEY].run_id == first and at.session_state[ACTIVE_MODEL_KEY].config.latent_size == 16
    at.sidebar.text_input(key=f"my_runs_name_{first}").set_value("Wide bottleneck").run()
    at.sidebar.button(key="my_runs_rename").click().run()
    assert "Wide bottleneck · dense · 1 ep" in texts(at.sidebar.markdown)
    at.sidebar.button(key="my_runs_delete").click().run()  # the current model's run: back to the ready model
    assert not at.exception and "My runs (1)" in [e.label for e in at.sidebar.expander]
    assert at.session_state[ACTIVE_MODEL_KEY] is None and "Ready default model" in texts(at.sidebar.markdown)


def test_compare_makes_a_row_the_current_model() -> None:
    at, first, _ = two_runs()
    at.switch_page("pages/compare.py").run()
    choice = at.selectbox(key="compare_use_model")
    name = next(option for option in choice.options if "Run 1" in option)
    choice.set_value(name).run()
    click(at, "compare_use")
    assert at.session_state[ACTIVE_MODEL_KEY].run_id == first
    assert at.button(key="compare_use").disabled  # it is the current model now
