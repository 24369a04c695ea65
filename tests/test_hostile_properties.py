"""Property-based tests (hypothesis) over every parser of outside input: arbitrary bytes, arbitrary JSON (deep, wide,
wrong types) and arbitrary CSV text never raise anything but the parser's own error, with a message; valid input
round-trips. The `ci` profile (CI=true, tests/conftest.py) runs 1,000 examples per test.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from anomaly_core import ModelFileError, ModelInfo, SignalsError, model_from_bytes, model_to_bytes, read_signals_csv
from anomaly_core.bounded_json import MAX_JSON_DEPTH, JsonInputError, loads_bounded
from anomaly_core.config import ACTIVATIONS, FAMILIES, LOSSES, OPTIMIZERS, DataConfig, ModelConfig, TrainConfig
from anomaly_core.config_file import ConfigFileError, configs_from_json, configs_to_json
from anomaly_core.model_header import read_metadata
from anomaly_core.persistence import load_model
from anomaly_core.runs import RunNotFound, RunSettings, SQLiteRunStore
from anomaly_core.runs.records import BadIdentifier, checked_run_id, checked_token
from anomaly_core.serve_input import RequestError, ServeLimits, beats_from_csv, beats_from_json
from tests.model_files import with_metadata
from ui.settings import LabSettings
from ui.sharing.codec import PARAMS, SharedState, decode_params, encode_params
from ui.sharing.settings_file import ShareFileError, settings_from_json, settings_to_json

ROOT = Path(__file__).resolve().parents[1]
VALID_MODEL = (ROOT / "assets" / "default_model.safetensors").read_bytes()
READY = load_model(ROOT / "assets" / "default_model.safetensors")
KEYS = ["model", "train", "data", "format", "version", "epochs", "info", "config", "scaler", "minimum", "maximum",
        "seed", "beats", "threshold", "family", "encoder_hidden", "preset", "threshold_strategy"]  # fmt: skip
LENGTH = 140

leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(["mse", "dense"])
json_values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=6),
    max_leaves=24,
)  # fmt: skip
deep_texts = st.builds(
    lambda d, o: (o * d) + ("]" if o == "[" else "}") * d, st.integers(0, 3000), st.sampled_from(["[", '{"a":'])
)
json_texts = json_values.map(json.dumps) | deep_texts
outside_input = st.binary(max_size=400) | json_texts.map(str.encode) | st.text(max_size=200).map(str.encode)


def refuses_only_with(error_type: type[Exception], parse: Callable[[Any], object], value: Any) -> bool:
    """Run `parse`; True if it refused with its own error and a message, False if it accepted; anything else fails."""
    try:
        parse(value)
    except error_type as error:
        assert str(error).strip(), f"an empty message for {value!r:.80}"
        assert type(error) is error_type or issubclass(type(error), error_type)
        return True
    return False


# ---- bounded JSON -------------------------------------------------------------------------------------------------


@given(outside_input)
def test_bounded_json_raises_only_its_own_error(raw: bytes) -> None:
    refuses_only_with(JsonInputError, loads_bounded, raw)


@given(json_values)
def test_bounded_json_round_trips_valid_json(value: Any) -> None:
    text = json.dumps(value)
    assume(text.count("[") + text.count("{") <= MAX_JSON_DEPTH)
    assert json.dumps(loads_bounded(text)) == text


@given(st.integers(MAX_JSON_DEPTH + 1, 50_000))
def test_bounded_json_refuses_every_depth_beyond_its_limit(depth: int) -> None:
    with pytest.raises(JsonInputError, match="nested more than"):
        loads_bounded("[" * depth + "]" * depth)


# ---- model files: header, metadata, weights -----------------------------------------------------------------------


def _header_file(header: bytes) -> bytes:
    return len(header).to_bytes(8, "little") + header


def _flipped(at_and_value: tuple[int, int]) -> bytes:
    at, value = at_and_value
    return VALID_MODEL[:at] + bytes([value]) + VALID_MODEL[at + 1 :]


sections = st.sampled_from(["config", "scaler", "info", "format"])


@given(
    st.one_of(
        st.binary(max_size=300),
        json_texts.map(lambda t: _header_file(t.encode())),
        st.tuples(sections, json_values).map(lambda p: with_metadata(VALID_MODEL, lambda h, m: m.__setitem__(*p))),
        st.tuples(st.sampled_from(KEYS), json_values).map(
            lambda p: with_metadata(VALID_MODEL, lambda h, m: h.__setitem__(*p))
        ),
        st.tuples(st.integers(8, 4000), st.integers(0, 255)).map(_flipped),
    )
)  # fmt: skip
def test_model_files_raise_only_model_file_errors(data: bytes) -> None:
    refuses_only_with(ModelFileError, model_from_bytes, data)


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
infos = st.builds(
    ModelInfo,
    score_error=st.just("mse"),
    epochs=st.integers(0, 2000),
    steps=st.integers(0, 10**6),
    train_seconds=st.floats(0, 1e5),
    threshold=st.none() | finite,
    auc=st.none() | st.floats(0, 1),
    average_precision=st.none() | st.floats(0, 1),
    best_f1_threshold=st.none() | finite,
)


@given(infos)
def test_model_files_round_trip_their_metadata(info: ModelInfo) -> None:
    data = model_to_bytes(READY.model, READY.scaler, info)
    assert read_metadata(data)["config"]["family"] == READY.config.family
    loaded = model_from_bytes(data)
    assert loaded.info == info and loaded.config == READY.config and loaded.scaler == READY.scaler


# ---- settings documents: the CLI's --config and the Train page's settings file ----------------------------------


@st.composite
def model_configs(draw: st.DrawFn) -> ModelConfig:
    """Any valid model config the Train page can show (its widget ranges are inside the core's)."""
    family = draw(st.sampled_from(FAMILIES))
    kernel = draw(st.integers(2, 15))
    return ModelConfig(
        family=family,
        encoder_hidden=tuple(draw(st.lists(st.integers(1, 512), min_size=1, max_size=6))),
        latent_size=draw(st.integers(1, 512)),
        activation=draw(st.sampled_from(ACTIVATIONS)),
        dropout=draw(st.floats(0, 0.5)),
        input_noise=draw(st.floats(0, 0.5)),
        score_smoothing=draw(st.sampled_from([1, 3, 5, 7, 9, 11, 13, 15])),
        batch_norm=draw(st.booleans()) and family in ("dense", "vae"),
        vae_score=draw(st.sampled_from(["reconstruction", "elbo"])) if family == "vae" else "reconstruction",
        conv_channels=tuple(draw(st.lists(st.integers(1, 128), min_size=1, max_size=4))),
        conv_kernel=kernel,
        conv_stride=draw(st.integers(1, min(4, kernel))),
        lstm_hidden=draw(st.integers(1, 256)),
        lstm_layers=draw(st.integers(1, 3)),
        lstm_chunk=draw(st.sampled_from([c for c in range(1, 21) if LENGTH % c == 0])),
    )


train_configs = st.builds(
    TrainConfig,
    epochs=st.integers(1, 2000),
    batch_size=st.integers(1, 4096),
    learning_rate=st.floats(1e-6, 100),
    optimizer=st.sampled_from(OPTIMIZERS),
    loss=st.sampled_from(LOSSES),
    seed=st.integers(0, 2**31 - 1),
)
data_configs = st.builds(
    DataConfig,
    train_size=st.none() | st.integers(1, 5000),
    test_size=st.none() | st.integers(1, 5000),
    abnormal_fraction=st.floats(0, 0.7),
    seed=st.integers(0, 2**31 - 1),
)


@given(outside_input)
def test_cli_configs_raise_only_config_file_errors(raw: bytes) -> None:
    refuses_only_with(ConfigFileError, configs_from_json, raw)


config_fields = st.sampled_from(["family", "epochs", "encoder_hidden", "latent_size", "dropout", "batch_size", "learning_rate",
                                 "seed", "train_size", "test_size", "lstm_chunk", "conv_channels", "input_length"])  # fmt: skip


@given(st.dictionaries(st.sampled_from(["model", "train", "data"]), st.dictionaries(config_fields, json_values, max_size=3)))
def test_cli_config_sections_with_wrong_types_raise_only_config_file_errors(document: dict) -> None:
    refuses_only_with(ConfigFileError, configs_from_json, json.dumps(document))


@given(model_configs(), train_configs, data_configs)
def test_cli_configs_round_trip(model: ModelConfig, train: TrainConfig, data: DataConfig) -> None:
    assert configs_from_json(configs_to_json(model, train, data)) == (model, train, data)


def _settings_file(document: Any) -> bytes:
    content = {"format": "anomaly-lab-settings", "version": 1, **document} if isinstance(document, dict) else document
    return json.dumps(content).encode()


@given(outside_input | st.dictionaries(st.sampled_from(KEYS), json_values).map(_settings_file))
def test_settings_files_raise_only_share_file_errors(raw: bytes) -> None:
    refuses_only_with(ShareFileError, settings_from_json, raw)


@given(model_configs(), train_configs, data_configs, st.sampled_from(["best_f1", "youden", "mean_std", "percentile"]))
def test_settings_files_round_trip(model: ModelConfig, train: TrainConfig, data: DataConfig, strategy: str) -> None:
    settings = LabSettings(model=model, train=train, data=data)
    assert settings_from_json(settings_to_json(settings, strategy)) == (settings, strategy)


# ---- link parameters ----------------------------------------------------------------------------------------------

param_names = st.sampled_from([p.name for p in PARAMS] + ["preset", "threshold", "page", "lesson", "hide", "lock"])


@given(st.dictionaries(param_names | st.text(max_size=10), st.text(max_size=60)))
def test_link_parameters_never_raise_and_always_give_valid_settings(params: dict[str, str]) -> None:
    state, rejected = decode_params(params)
    assert isinstance(state, SharedState) and all(isinstance(line, str) and line for line in rejected)
    assert not rejected or params  # nothing is rejected that was not given


@given(model_configs(), train_configs, data_configs)
def test_link_parameters_round_trip(model: ModelConfig, train: TrainConfig, data: DataConfig) -> None:
    state = SharedState(LabSettings(model=model, train=train, data=data))
    decoded, rejected = decode_params(encode_params(state))
    assert rejected == [] and decoded == state


# ---- CSV beats ----------------------------------------------------------------------------------------------------

cells = st.sampled_from(["0.5", "-1", "1e9", "nan", "inf", "x", "", '"', "label", "1", "7", " ", "0x10", "1e400", "é", "1,5"])
@st.composite
def csv_texts(draw: st.DrawFn) -> bytes:
    """Rows of about a beat's width with a few cells replaced by text, NaN, huge or empty values, some rows cut."""
    width, count = draw(st.sampled_from([0, 1, 3, 139, 140, 141, 142])), draw(st.integers(0, 5))
    rows = [["0.5"] * width for _ in range(count)]
    for _ in range(draw(st.integers(0, 4)) if rows and width else 0):
        rows[draw(st.integers(0, count - 1))][draw(st.integers(0, width - 1))] = draw(cells)
    if rows and draw(st.booleans()):
        cut = draw(st.integers(0, count - 1))
        rows[cut] = rows[cut][: draw(st.integers(0, width))]
    sep, encoding = draw(st.sampled_from([",", ";", "\t", " "])), draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    return "\n".join(sep.join(row) for row in rows).encode(encoding, errors="replace")


@given(outside_input | csv_texts())
def test_csv_raises_only_signals_errors(raw: bytes) -> None:
    refuses_only_with(SignalsError, read_signals_csv, raw)


def random_beats(seed: int, count: int, scale: float) -> np.ndarray:
    """`count` beats (count, 140) of float32 values within ±scale, from a seed (cheaper than drawing 140 floats)."""
    return np.random.default_rng(seed).uniform(-scale, scale, (count, LENGTH)).astype(np.float32)


@given(
    st.integers(0, 2**32 - 1), st.integers(1, 3), st.sampled_from([8.0, 1.0, 1e-3]), st.booleans(),
    st.sampled_from([",", ";", "\t"]), st.sampled_from(["{!r}", "{:.9g}", "{:.8e}"]),
)  # fmt: skip
def test_csv_round_trips(seed: int, count: int, scale: float, labelled: bool, sep: str, style: str) -> None:
    beats = random_beats(seed, count, scale)
    labels = [1 + (seed + i) % 5 for i in range(count)] if labelled else None
    cells = [[style.format(float(v)) for v in row] for row in beats]
    lines = [sep.join(([str(labels[i])] if labels else []) + row) for i, row in enumerate(cells)]
    parsed = read_signals_csv("\n".join(lines).encode())
    np.testing.assert_array_equal(parsed.signals, beats)
    assert (parsed.classes is None) == (labels is None) and (labels is None or parsed.classes.tolist() == labels)


# ---- session tokens and run ids -----------------------------------------------------------------------------------


@given(st.text(max_size=80) | st.text(alphabet="abcXYZ019_-", max_size=80))
def test_tokens_and_run_ids_are_checked_before_any_database_sees_them(text: str) -> None:
    for check in (checked_token, checked_run_id):
        if not refuses_only_with(BadIdentifier, check, text):
            assert check(text) == text and text.isascii()


@given(st.integers(1, 48))
def test_generated_tokens_and_run_ids_round_trip(size: int) -> None:
    token, run_id = secrets.token_urlsafe(max(12, size)), secrets.token_urlsafe(max(6, min(size, 24)))
    assert checked_token(token) == token and checked_run_id(run_id) == run_id


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> SQLiteRunStore:
    return SQLiteRunStore(RunSettings(data_dir=tmp_path_factory.mktemp("store"), workers=1))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789_-", min_size=16, max_size=64))
def test_a_well_formed_but_unknown_token_finds_nothing(empty_store: SQLiteRunStore, token: str) -> None:
    assert not empty_store.session_exists(checked_token(token))
    assert empty_store.list_runs(token) == []
    with pytest.raises(RunNotFound):
        empty_store.get_run(token, token[:12])


# ---- HTTP request bodies of the scoring API -----------------------------------------------------------------------

LIMITS = ServeLimits()


def _refuses_with_4xx(parse: Callable[[bytes, int, ServeLimits], object], body: bytes) -> None:
    try:
        parse(body, LENGTH, LIMITS)
    except RequestError as error:
        assert 400 <= error.status < 500 and error.message.strip()


@given(outside_input | st.dictionaries(st.sampled_from(["beats", "threshold", "x"]), json_values).map(json.dumps).map(str.encode))
def test_json_bodies_raise_only_request_errors(body: bytes) -> None:
    _refuses_with_4xx(beats_from_json, body)


@given(outside_input | csv_texts())
def test_csv_bodies_raise_only_request_errors(body: bytes) -> None:
    _refuses_with_4xx(beats_from_csv, body)


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.none() | st.floats(allow_nan=False, allow_infinity=False))
def test_json_bodies_round_trip(seed: int, count: int, threshold: float | None) -> None:
    beats = random_beats(seed, count, 8.0).tolist()
    parsed = beats_from_json(json.dumps({"beats": beats, "threshold": threshold}).encode(), LENGTH, LIMITS)
    np.testing.assert_array_equal(parsed.beats, np.array(beats, dtype=np.float32))
    assert parsed.threshold == threshold or (threshold is not None and math.isclose(parsed.threshold or 0, threshold))
