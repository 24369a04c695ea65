"""Shareable state: every setting round-trips through a link and a JSON file; bad links and files are ignored with a notice."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from anomaly_core import DataConfig, ModelConfig, TrainConfig, make_split
from ui.settings import SETTINGS_KEY, LabSettings
from ui.sharing.classroom import ClassroomSetup
from ui.sharing.codec import NOT_SHARED, PARAMS, SECTIONS, THRESHOLD_KEY, SharedState, decode_params, encode_params
from ui.sharing.settings_file import ShareFileError, settings_from_json, settings_to_json

ROOT = Path(__file__).resolve().parents[1]

# A value other than the default for every field; where a list gives two, the first that is not today's default is used.
OTHER_MODEL = {
    "family": "vae", "encoder_hidden": (96, 48, 24), "latent_size": 7, "decoder_hidden": (20, 40, 80), "activation": "tanh",
    "output_activation": "linear", "dropout": 0.25, "batch_norm": True, "init": "kaiming", "input_noise": 0.05,
    "score_smoothing": 9,
    "vae_beta": [0.5, 2.0], "vae_score": "elbo", "conv_channels": [(4, 12), (6, 10, 20)], "conv_kernel": [9, 3],
    "conv_stride": [1, 3], "lstm_hidden": [48, 24], "lstm_layers": [2, 3], "lstm_chunk": [5, 10],
}  # fmt: skip
OTHER_TRAIN = {
    "epochs": 12, "batch_size": 64, "learning_rate": 0.0123, "optimizer": "rmsprop", "regularizer": "l1_l2",
    "regularization_rate": 1e-4, "loss": "mae", "seed": 42, "device": "cpu", "eval_every": 3,
}  # fmt: skip
OTHER_DATA = {
    "train_size": 800, "test_size": 500, "abnormal_fraction": 0.1, "val_fraction": 0.2, "test_pool_fraction": 0.3, "seed": 7,
    "dataset": "ecgfivedays", "normal_class": 2, "signal_anomalies": "spike,flat", "signal_trend": True,
    "signal_seasonality": True, "scaling": ["global", "per_feature"],
}  # fmt: skip


def _other(cls: type, values: dict) -> object:
    """A config with a non-default value for every field named in `values` that the config has."""
    chosen = {}
    for item in dataclasses.fields(cls):
        if item.name in values:
            candidates = values[item.name] if isinstance(values[item.name], list) else [values[item.name]]
            chosen[item.name] = next((c for c in candidates if c != getattr(cls(), item.name)), candidates[0])
    return cls(**chosen)


def every_setting_changed() -> SharedState:
    """A state where every shared field differs from its default, with a classroom setup and tricky lesson text."""
    settings = LabSettings(
        model=_other(ModelConfig, OTHER_MODEL), train=_other(TrainConfig, OTHER_TRAIN), data=_other(DataConfig, OTHER_DATA),
        preset="contaminated",
    )  # fmt: skip
    lesson = "Why does the AUC fall? <b>bold</b> & 100 % — ünïcode,\nsecond line = ?"
    return SharedState(settings, "youden", ClassroomSetup({"layers": "hidden", "seed": "locked"}, lesson))


def test_the_test_state_changes_every_field_a_link_carries() -> None:
    state = every_setting_changed()
    for section, cls in SECTIONS.items():
        for item in dataclasses.fields(cls):
            if (section, item.name) not in NOT_SHARED:
                changed = getattr(getattr(state.settings, section), item.name) != getattr(cls(), item.name)
                assert changed, f"add a non-default {section}.{item.name} to this test's values"
    assert {(p.section, p.field) for p in PARAMS} == {
        (s, f.name) for s, cls in SECTIONS.items() for f in dataclasses.fields(cls) if (s, f.name) not in NOT_SHARED
    }
    assert len({p.name for p in PARAMS}) == len(PARAMS)


def test_every_setting_round_trips_through_the_query_parameters(ecg) -> None:
    state = every_setting_changed()
    decoded, ignored = decode_params(encode_params(state), check_data=lambda cfg: make_split(ecg, cfg))
    assert ignored == []
    assert decoded == state


def test_every_setting_round_trips_through_a_full_link() -> None:
    from ui.sharing.links import share_url  # needs no running app: the base URL falls back to localhost

    state = every_setting_changed()
    url = share_url(state, current_page="train")
    assert url.startswith("http://localhost:8501/?page=train&")
    assert "<" not in url and " " not in url
    decoded, ignored = decode_params(dict(parse_qsl(urlsplit(url).query)))
    assert (decoded, ignored) == (state, [])


def test_every_setting_round_trips_through_the_json_file() -> None:
    state = every_setting_changed()
    raw = settings_to_json(state.settings, state.threshold_strategy)
    assert len(raw) < 2000 and json.loads(raw)["train"]["learning_rate"] == 0.0123
    assert settings_from_json(raw) == (state.settings, "youden")


def test_default_settings_give_an_empty_link() -> None:
    assert encode_params(SharedState()) == {}
    assert decode_params({}) == (SharedState(), [])


def test_garbage_values_are_ignored_one_by_one_and_defaults_kept() -> None:
    decoded, ignored = decode_params({"lr": "abc", "layers": "-3", "x": "<script>", "epochs": "7"})
    assert decoded.settings == LabSettings(train=TrainConfig(epochs=7))
    assert [line.split("=")[0] for line in ignored] == ["x", "layers", "lr"]
    assert "not a number" in ignored[2] and "1 to 512 units" in ignored[1] and "unknown parameter" in ignored[0]


@pytest.mark.parametrize(
    ("params", "kept", "dropped"),
    [
        ({"family": "lstm", "bn": "1", "lr": "0.01"}, {"family": "lstm", "learning_rate": 0.01}, "bn"),
        ({"vae_score": "elbo", "latent": "4"}, {"latent_size": 4}, "vae_score"),
        ({"epochs": "5000", "dropout": "0.25"}, {"dropout": 0.25}, "epochs"),  # beyond MAX_EPOCHS (2000), core and page alike
        ({"seed": "-1", "opt": "sgd"}, {"optimizer": "sgd"}, "seed"),
        ({"layers": "8,8,8,8,8,8,8", "act": "elu"}, {"activation": "elu"}, "layers"),
        ({"threshold": "magic", "opt": "adamax"}, {"optimizer": "adamax"}, "threshold"),
        ({"preset": "nope", "loss": "mae"}, {"loss": "mae"}, "preset"),
    ],
)
def test_a_bad_parameter_or_combination_drops_only_that_parameter(params: dict, kept: dict, dropped: str) -> None:
    decoded, ignored = decode_params(params)
    applied = {**dataclasses.asdict(decoded.settings.model), **dataclasses.asdict(decoded.settings.train)}
    assert {k: applied[k] for k in kept} == kept
    assert len(ignored) == 1 and ignored[0].startswith(dropped)


def test_a_data_split_that_real_ecg5000_cannot_give_is_dropped(ecg) -> None:
    params = {"train_n": "4000", "abnormal": "0.1", "epochs": "9"}
    decoded, ignored = decode_params(params, check_data=lambda cfg: make_split(ecg, cfg))
    assert decoded.settings.train.epochs == 9 and decoded.settings.data.abnormal_fraction == 0.1
    make_split(ecg, decoded.settings.data)  # what was kept is a split that works
    assert len(ignored) == 1 and ignored[0].startswith("train_n")


def test_hidden_and_locked_groups_and_lesson_text_are_read_from_the_link() -> None:
    decoded, ignored = decode_params({"hide": "layers,nonsense", "lock": "seed,layers", "lesson": "x" * 900})
    assert decoded.classroom.modes == {"layers": "hidden", "seed": "locked"}  # hidden wins over locked
    assert len(decoded.classroom.lesson) == 500
    assert len(ignored) == 2 and "nonsense" in ignored[0] and ignored[1].startswith("lesson")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\x89PNG\r\n", "not a JSON file"),
        (b"[1, 2]", "not an Anomaly Lab settings file"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "train": {"epochs": "40"}}', "train.epochs"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "model": {"batch_norm": "yes"}}', "model.batch_norm"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "train": {"learning_rate": 500}}', "learning_rate"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "train": {"tea": 1}}', "tea"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "model": {"input_length": 96}}', "140"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "model": {"dropout": 0.9}}', "dropout"),
        (b'{"format": "anomaly-lab-settings", "version": 2}', "version"),
        (b'{"format": "anomaly-lab-settings", "version": 1, "threshold_strategy": ["x"]}', "threshold_strategy"),
        (b"[" * 5000, "not a JSON file"),
        (b" " * 30_000, "bytes"),
    ],
)
def test_a_wrong_file_gets_a_clear_message(raw: bytes, message: str) -> None:
    with pytest.raises(ShareFileError, match=message):
        settings_from_json(raw)


def open_app_with_link(params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(params)
    return at.run()


def test_a_garbage_link_opens_with_a_notice_and_defaults() -> None:
    at = open_app_with_link({"lr": "abc", "layers": "-3", "x": "<script>alert(1)</script>"})
    assert not at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "ignored" in notice and all(name in notice for name in ("lr", "layers", "x"))
    assert "<script>" not in notice  # shown escaped, as text
    assert at.session_state[SETTINGS_KEY] == LabSettings()
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.number_input(key="w_units_0").value == 64 and at.select_slider(key="w_learning_rate").value == 0.003


def test_a_link_sets_the_train_page_widgets_and_the_threshold_strategy() -> None:
    at = open_app_with_link({"lr": "0.01", "epochs": "2000", "dropout": "0.5", "seed": "2147483647", "threshold": "best_f1"})
    assert not at.exception and not at.warning
    assert at.session_state[THRESHOLD_KEY] == "best_f1"
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.select_slider(key="w_learning_rate").value == 0.01 and at.number_input(key="w_epochs").value == 2000
    assert at.slider(key="w_dropout").value == 0.5 and at.number_input(key="w_seed").value == 2**31 - 1


SHARE_PAGE = """
import streamlit as st
from ui.sharing.links import render_share_controls
render_share_controls()
"""


def test_uploading_a_settings_file_applies_it_and_a_wrong_one_changes_nothing() -> None:
    at = AppTest.from_string(SHARE_PAGE, default_timeout=30).run()
    changed = every_setting_changed()
    ecg5000 = dataclasses.replace(changed.settings.data, dataset="ecg5000", normal_class=None)  # sizes made for ECG5000
    state = dataclasses.replace(changed, settings=dataclasses.replace(changed.settings, data=ecg5000))
    at.file_uploader(key="share_upload").upload("lesson.json", settings_to_json(state.settings, "youden")).run()
    assert not at.exception and "loaded" in at.success[0].value
    assert at.session_state[SETTINGS_KEY] == state.settings and at.session_state[THRESHOLD_KEY] == "youden"
    assert "lr=0.0123" in at.code[0].value  # the link shows the loaded settings
    at.file_uploader(key="share_upload").upload("bad.json", b'{"format": "anomaly-lab-settings", "version": 1, "x": 1}').run()
    assert not at.exception and "not used" in at.error[0].value
    assert at.session_state[SETTINGS_KEY] == state.settings


@pytest.mark.parametrize(
    "params",
    [
        {"family": "conv", "conv_kernel": "15", "conv_stride": "4", "conv_channels": "128,128,128,128", "epochs": "2000"},
        {"family": "lstm", "lstm_hidden": "256", "lstm_layers": "3", "lstm_chunk": "20", "noise": "0.5", "seed": "0"},
        {"family": "vae", "vae_beta": "100", "vae_score": "elbo", "layers": "512,1,512,1,512,1", "latent": "512", "lr": "100"},
    ],
    ids=["conv", "lstm", "vae"],
)
def test_links_at_the_edges_of_what_is_accepted_open_the_train_page_cleanly(params: dict[str, str]) -> None:
    at = open_app_with_link(params)
    assert not at.exception and not at.warning  # every value was accepted ...
    at.switch_page("pages/train.py").run()
    assert not at.exception  # ... and the Train page's widgets can show it
    assert at.selectbox(key="w_family").value == params["family"]


def test_the_train_page_copies_its_settings_as_a_link_and_loads_them_from_a_file() -> None:
    at = open_app_with_link({"page": "train"})
    at.number_input(key="w_epochs").set_value(7).run()
    link = at.code[-1].value
    assert "epochs=7" in link and "page=train" in link  # the link follows what the learner set
    assert decode_params(dict(parse_qsl(urlsplit(link).query)))[0].settings == at.session_state[SETTINGS_KEY]
    saved = settings_to_json(LabSettings(train=TrainConfig(epochs=3, learning_rate=0.01)), "percentile")
    at.file_uploader(key="share_upload").upload("settings.json", saved).run()
    assert not at.exception
    assert at.number_input(key="w_epochs").value == 3 and at.select_slider(key="w_learning_rate").value == 0.01
    assert at.session_state[THRESHOLD_KEY] == "percentile"
