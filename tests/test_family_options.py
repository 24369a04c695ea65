"""The Train composer's family options under AppTest: each family's widgets give a valid config, bad combinations an error."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import ModelConfig
from ui.settings import SETTINGS_KEY, LabSettings

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "train.py")


@pytest.fixture
def train_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    return at


def _model(at: AppTest) -> ModelConfig:
    return at.session_state[SETTINGS_KEY].model


@pytest.mark.parametrize("family", ["vae", "conv", "lstm"])
def test_choosing_a_family_gives_its_default_config(train_page, family) -> None:
    train_page.selectbox(key="w_family").select(family).run()
    assert not train_page.exception and not train_page.error
    assert _model(train_page) == ModelConfig(family=family)


def test_family_options_reach_the_config(train_page) -> None:
    train_page.selectbox(key="w_family").select("lstm").run()
    train_page.number_input(key="w_lstm_hidden").set_value(24).run()
    train_page.selectbox(key="w_lstm_chunk").select(10).run()
    assert (_model(train_page).lstm_hidden, _model(train_page).lstm_chunk) == (24, 10)
    train_page.selectbox(key="w_family").select("conv").run()
    train_page.number_input(key="w_conv_layers").set_value(2).run()
    train_page.slider(key="w_conv_stride").set_value(3).run()
    assert (_model(train_page).conv_channels, _model(train_page).conv_stride) == ((8, 16), 3)


def test_a_stride_longer_than_the_kernel_is_explained(train_page) -> None:
    train_page.selectbox(key="w_family").select("conv").run()
    train_page.slider(key="w_conv_kernel").set_value(2).run()
    train_page.slider(key="w_conv_stride").set_value(4).run()
    assert not train_page.exception
    assert any("conv_stride" in e.value and "conv_kernel" in e.value for e in train_page.error)


def test_leaving_the_vae_with_the_elbo_score_resets_it(train_page) -> None:
    train_page.selectbox(key="w_family").select("vae").run()
    train_page.selectbox(key="w_vae_score").select("elbo").run()
    assert _model(train_page).vae_score == "elbo"
    train_page.selectbox(key="w_family").select("dense").run()
    assert not train_page.error and _model(train_page) == ModelConfig()


def test_conv_channels_are_set_layer_by_layer() -> None:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state[SETTINGS_KEY] = LabSettings(model=ModelConfig(family="conv", conv_channels=(6, 10, 20)))
    at.run()
    assert [at.number_input(key=f"w_conv_channels_{i}").value for i in range(3)] == [6, 10, 20]  # a link's channels stay
    assert _model(at).conv_channels == (6, 10, 20)
    at.number_input(key="w_conv_channels_1").set_value(12).run()
    at.number_input(key="w_conv_layers").set_value(4).run()
    assert not at.exception and not at.error
    assert _model(at).conv_channels == (6, 12, 20, 40)


@pytest.mark.parametrize(("family", "dense_layers"), [("dense", True), ("vae", True), ("conv", False), ("lstm", False)])
def test_only_dense_families_show_dense_encoder_layers(train_page, family, dense_layers) -> None:
    train_page.selectbox(key="w_family").select(family).run()
    keys = {widget.key for widget in train_page.number_input}
    assert ("w_layer_count" in keys) is dense_layers and ("w_units_0" in keys) is dense_layers
    assert "w_latent" in keys  # every family has a bottleneck
    train_page.number_input(key="w_latent").set_value(4).run()
    assert _model(train_page).latent_size == 4
