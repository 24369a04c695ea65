"""The sidebar's model file: a downloaded model uploads again with identical scores; bad files are refused."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import ModelConfig, ModelFileError, TrainConfig, Trainer, anomaly_scores, build_model, model_from_bytes
from tests.model_files import write_pickle_exploit
from tests.test_train_page import open_app
from ui.current_model import ACTIVE_MODEL_KEY, default_model, make_active_model
from ui.model_file import model_file_bytes, model_from_upload
from ui.runs import SESSION_PARAM
from ui.sidebar import UPLOAD_KEY

ROOT = Path(__file__).resolve().parents[1]


def test_download_then_upload_gives_the_same_model_and_scores() -> None:
    ready = default_model()
    again = model_from_upload("mine.safetensors", model_file_bytes(ready))
    assert again.name == "Uploaded: mine.safetensors" and again.epochs == ready.epochs
    np.testing.assert_array_equal(again.test_scores, ready.test_scores)
    assert again.split.config == ready.split.config


def test_a_pickle_upload_is_refused_and_not_executed(tmp_path) -> None:
    path = tmp_path / "evil.safetensors"
    marker = write_pickle_exploit(path)
    with pytest.raises(ModelFileError):
        model_from_upload("evil.safetensors", path.read_bytes())
    assert not marker.exists()


@pytest.mark.parametrize("data", [b"", b"hello", b"\x00" * 64])
def test_garbage_uploads_are_refused(data: bytes) -> None:
    with pytest.raises(ModelFileError):
        model_from_upload("x.safetensors", data)


def test_every_page_shows_the_model_card_and_a_download() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("test AUC" in t.value for t in at.sidebar.text)
    assert at.sidebar.get("download_button")


def test_the_card_follows_the_sessions_model() -> None:
    ready = default_model()
    uploaded = model_from_upload("other.safetensors", model_file_bytes(ready))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["active_model"] = uploaded  # (AppTest re-delivers the sidebar only on a first run)
    at.run()
    assert not at.exception
    assert any(m.value == "**Uploaded: other.safetensors**" for m in at.sidebar.markdown)
    assert np.allclose(anomaly_scores(uploaded.model, ready.split.x_test[:3], "mse"), ready.test_scores[:3])


@pytest.fixture(scope="module")
def mae_model(default_split):
    """A small model trained with MAE: it must be scored with MAE wherever it goes."""
    cfg = TrainConfig(epochs=2, loss="mae", device="cpu")
    trainer = Trainer(build_model(ModelConfig(encoder_hidden=(32,), latent_size=8)), default_split, cfg)
    list(trainer.fit())
    return make_active_model("MAE", trainer.model, default_split, trainer.cfg.loss, epochs=trainer.epoch)


def assert_scored_as_mae(active, reference) -> None:
    x = reference.split.x_test
    assert active.loss == "mae"
    np.testing.assert_allclose(active.test_scores, anomaly_scores(reference.model, x, "mae"), rtol=1e-6)
    assert not np.allclose(active.test_scores, anomaly_scores(reference.model, x, "mse"))


def test_an_mae_model_is_scored_as_mae_after_download_and_upload(mae_model) -> None:
    assert_scored_as_mae(mae_model, mae_model)
    assert model_from_bytes(model_file_bytes(mae_model)).info.score_error == "mae"
    assert_scored_as_mae(model_from_upload("mae.safetensors", model_file_bytes(mae_model)), mae_model)


def test_an_mae_model_uploaded_in_the_sidebar_is_scored_as_mae(mae_model) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    upload = ("mae.safetensors", model_file_bytes(mae_model), "application/octet-stream")
    at.sidebar.file_uploader(key=UPLOAD_KEY).set_value(upload).run()
    assert not at.exception
    assert_scored_as_mae(at.session_state[ACTIVE_MODEL_KEY], mae_model)


def test_an_uploaded_model_is_kept_as_a_run_and_survives_a_reload(mae_model) -> None:
    at = open_app("pages/evaluate.py")
    upload = ("mae.safetensors", model_file_bytes(mae_model), "application/octet-stream")
    at.sidebar.file_uploader(key=UPLOAD_KEY).set_value(upload).run()
    uploaded = at.session_state[ACTIVE_MODEL_KEY]
    assert not at.exception and uploaded.run_id is not None and "My runs (1)" in [e.label for e in at.sidebar.expander]
    again = open_app("pages/evaluate.py", **{SESSION_PARAM: at.query_params[SESSION_PARAM]})  # a reload: same address
    reopened = again.session_state[ACTIVE_MODEL_KEY]
    assert not again.exception and reopened.run_id == uploaded.run_id and reopened.name == "Uploaded: mae.safetensors"
    assert_scored_as_mae(reopened, mae_model)
