"""My runs (sidebar) and Compare's "Use this model": any finished run becomes the current model; rename and delete."""

from __future__ import annotations

import tempfile
from pathlib import Path

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


def test_the_picked_run_downloads_as_a_model_file_and_as_onnx_that_scores_like_it() -> None:
    import numpy as np
    import onnxruntime

    from anomaly_core import load_model
    from ui.model_file import model_file_bytes, model_onnx_bytes

    at, _, second = two_runs()
    labels = [element.proto.label for element in at.sidebar.get("download_button")]
    assert "Model file" in labels and "ONNX" in labels
    model = at.session_state[ACTIVE_MODEL_KEY]
    assert model.run_id == second
    session = onnxruntime.InferenceSession(model_onnx_bytes(model), providers=["CPUExecutionProvider"])
    raw = model.scaler.inverse(model.split.x_test).astype(np.float32)
    scores = session.run(None, {session.get_inputs()[0].name: raw})[0]
    np.testing.assert_allclose(scores, model.test_scores, rtol=1e-4, atol=1e-7)
    path = Path(tempfile.mkdtemp()) / "run.safetensors"
    path.write_bytes(model_file_bytes(model))
    assert load_model(path).info.epochs == 1
