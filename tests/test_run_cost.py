"""The cost estimate and its limits: what is refused, what asks to be confirmed, and advice that really fits.

The same rule guards the Train page, the CLI and the run store's workers (so sweeps and any other submitter too).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anomaly_core import DataConfig, EcgSplit, ModelConfig, TrainConfig
from anomaly_core.__main__ import main
from anomaly_core.cost import (
    CONFIRM_RUN_SECONDS,
    MAX_BATCH_SECONDS,
    MAX_EPOCH_SECONDS,
    MAX_RUN_SECONDS,
    MIN_TEST_BEATS,
    RunSizes,
    RunTooCostly,
    check_run_cost,
    estimate_cost,
    macs_per_beat,
)
from anomaly_core.cost_advice import fitting_variants
from anomaly_core.runs import RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.worker import train_run

DEFAULT_SIZES = RunSizes(train_beats=2100, val_beats=210, test_beats=1000)
HEAVY_LSTM = ModelConfig(family="lstm", lstm_hidden=256, lstm_layers=3, lstm_chunk=1)  # the 54-hour model
WIDE_CONV = ModelConfig(family="conv", conv_channels=(128, 128, 128, 128), conv_kernel=15, conv_stride=1)


def test_the_default_run_is_cheap_and_needs_no_confirmation() -> None:
    check = check_run_cost(ModelConfig(), TrainConfig(), DEFAULT_SIZES)
    assert check.refused is None and check.confirm is None and check.cost.seconds < CONFIRM_RUN_SECONDS
    assert check.require() is check.cost


def test_cost_grows_with_what_makes_a_run_slow() -> None:
    base = estimate_cost(ModelConfig(family="lstm"), TrainConfig(), DEFAULT_SIZES)
    finer = estimate_cost(ModelConfig(family="lstm", lstm_chunk=1), TrainConfig(), DEFAULT_SIZES)
    wider = estimate_cost(ModelConfig(family="lstm", lstm_hidden=128), TrainConfig(), DEFAULT_SIZES)
    longer = estimate_cost(ModelConfig(family="lstm"), TrainConfig(epochs=400), DEFAULT_SIZES)
    smaller_batches = estimate_cost(ModelConfig(family="lstm"), TrainConfig(batch_size=8), DEFAULT_SIZES)
    assert finer.epoch_seconds > base.epoch_seconds and wider.epoch_seconds > base.epoch_seconds
    assert longer.seconds == pytest.approx(10 * base.seconds) and smaller_batches.epoch_seconds > base.epoch_seconds
    assert macs_per_beat(ModelConfig(encoder_hidden=(64,), latent_size=8)) == 140 * 64 + 64 * 8 + 8 * 64 + 64 * 140


@pytest.mark.parametrize(
    ("model", "train", "sizes", "expected"),
    [
        (HEAVY_LSTM, TrainConfig(), DEFAULT_SIZES, "One batch would take"),
        (ModelConfig(family="lstm", lstm_chunk=1, lstm_hidden=128), TrainConfig(batch_size=2), DEFAULT_SIZES, "One epoch"),
        (ModelConfig(), TrainConfig(epochs=2000, batch_size=1), DEFAULT_SIZES, "run would take"),
        (ModelConfig(), TrainConfig(), dataclasses.replace(DEFAULT_SIZES, test_beats=5), "test_size: 5 test beats"),
        (ModelConfig(batch_norm=True), TrainConfig(batch_size=1), DEFAULT_SIZES, "batch norm"),
        (ModelConfig(batch_norm=True), TrainConfig(), dataclasses.replace(DEFAULT_SIZES, train_beats=257), "batch norm"),
    ],
)
def test_runs_over_a_hard_limit_are_refused_with_what_to_change(model, train, sizes, expected: str) -> None:
    check = check_run_cost(model, train, sizes)
    assert check.refused is not None and expected in check.refused
    with pytest.raises(RunTooCostly):
        check.require(confirmed=True)  # a refusal cannot be confirmed away


def _applied(words: str, model: ModelConfig, train: TrainConfig, epochs: int) -> tuple[ModelConfig, TrainConfig, int]:
    """Apply advice written as 'epochs 6, steps per LSTM step 7, ...' to the settings (as a learner would)."""
    for change in words.split(", "):
        name, value = change.rsplit(" ", 1)
        if name == "epochs":
            epochs = int(value)
        elif name == "batch size":
            train = dataclasses.replace(train, batch_size=int(value))
        elif name == "steps per LSTM step":
            model = dataclasses.replace(model, lstm_chunk=int(value))
        elif name == "LSTM units":
            model = dataclasses.replace(model, lstm_hidden=int(value))
        elif name == "LSTM layers":
            model = dataclasses.replace(model, lstm_layers=int(value))
        elif name == "conv channels":
            model = dataclasses.replace(model, conv_channels=tuple(int(c) for c in value.split("/")))
        else:
            assert name == "encoder units", change
            model = dataclasses.replace(model, encoder_hidden=tuple(int(u) for u in value.split("/")), decoder_hidden=None)
    return model, train, epochs


@pytest.mark.parametrize(
    ("model", "train"),
    [
        (HEAVY_LSTM, TrainConfig()),
        (HEAVY_LSTM, TrainConfig(epochs=2000)),
        (WIDE_CONV, TrainConfig(epochs=2000)),
        (ModelConfig(encoder_hidden=(512,) * 6, latent_size=512), TrainConfig(epochs=2000)),
        (ModelConfig(), TrainConfig(epochs=2000, batch_size=1)),
    ],
)
def test_the_advice_is_computed_and_following_it_fits(model: ModelConfig, train: TrainConfig) -> None:
    check = check_run_cost(model, train, DEFAULT_SIZES)
    message = check.refused or check.confirm
    assert message is not None and "To fit, choose " in message
    advice = message.split("To fit, choose ", 1)[1].rstrip(".").split("; or ")
    for words in advice:
        fixed_model, fixed_train, epochs = _applied(words, model, train, train.epochs)
        fixed = check_run_cost(fixed_model, fixed_train, DEFAULT_SIZES, epochs)
        assert fixed.refused is None, (words, fixed.refused)
        if check.refused is None:  # advice for a confirmation fits under the confirmation limit too
            assert fixed.confirm is None, (words, fixed.confirm)


@given(
    st.sampled_from(["dense", "conv", "lstm"]),
    st.integers(1, 256),
    st.sampled_from([1, 2, 4, 5, 7, 10, 14, 20]),
    st.integers(1, 3),
    st.integers(1, 2000),
    st.sampled_from([1, 8, 32, 128, 1024]),
)
def test_every_suggested_variant_fits_within_the_limits(family, hidden, chunk, layers, epochs, batch) -> None:
    model = ModelConfig(family=family, lstm_hidden=hidden, lstm_chunk=chunk, lstm_layers=layers,
                        encoder_hidden=(min(512, 2 * hidden),), conv_channels=(min(128, hidden),) * layers)  # fmt: skip
    train = TrainConfig(epochs=epochs, batch_size=batch)
    check = check_run_cost(model, train, DEFAULT_SIZES)
    kind_limit = CONFIRM_RUN_SECONDS if check.refused is None else MAX_RUN_SECONDS
    for variant in fitting_variants(model, train, DEFAULT_SIZES, epochs, "run", kind_limit):
        cost = estimate_cost(variant.model, variant.train, DEFAULT_SIZES, variant.epochs)
        assert cost.batch_seconds <= MAX_BATCH_SECONDS and cost.epoch_seconds <= MAX_EPOCH_SECONDS
        assert cost.seconds <= kind_limit and variant.changes


def test_a_long_run_asks_to_be_confirmed() -> None:
    check = check_run_cost(ModelConfig(family="lstm", lstm_hidden=64), TrainConfig(epochs=1000), DEFAULT_SIZES)
    assert check.refused is None and check.confirm is not None and "more than 5 min" in check.confirm
    with pytest.raises(RunTooCostly):
        check.require()
    assert check.require(confirmed=True) is check.cost


def test_the_minimum_test_size_is_a_limit_of_its_own() -> None:
    smallest = dataclasses.replace(DEFAULT_SIZES, test_beats=MIN_TEST_BEATS)
    assert check_run_cost(ModelConfig(), TrainConfig(), smallest).refused is None


def fails_with_one_line(capsys, *args: str) -> str:
    code = main(list(args))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_the_cli_refuses_a_run_over_a_limit_before_training(capsys, tmp_path: Path) -> None:
    config = tmp_path / "cfg.json"
    config.write_text('{"model": {"family": "lstm", "lstm_hidden": 256, "lstm_layers": 3, "lstm_chunk": 1}}')
    err = fails_with_one_line(capsys, "train", "--config", str(config), "--out", str(tmp_path / "m"), "--allow-long")
    assert "One batch would take" in err and "To fit, choose" in err and not (tmp_path / "m").exists()
    config.write_text('{"data": {"test_size": 10}}')
    err = fails_with_one_line(capsys, "train", "--config", str(config), "--out", str(tmp_path / "m"))
    assert "test_size: 10 test beats" in err


def test_the_cli_asks_for_allow_long_on_a_long_run(capsys, tmp_path: Path) -> None:
    config = tmp_path / "cfg.json"
    config.write_text('{"model": {"family": "lstm", "lstm_hidden": 64}, "train": {"epochs": 1000}}')
    err = fails_with_one_line(capsys, "train", "--config", str(config), "--out", str(tmp_path / "m"))
    assert "--allow-long" in err and not (tmp_path / "m").exists()


def test_a_worker_refuses_a_stored_run_over_a_limit(tmp_path: Path, default_split: EcgSplit) -> None:
    store = SQLiteRunStore(RunSettings(data_dir=tmp_path, workers=1))
    token = store.create_session()
    spec = RunSpec(HEAVY_LSTM, TrainConfig(device="cpu"), DataConfig(seed=0))  # e.g. submitted by a sweep, not the page
    run = store.create_run(token, "too heavy", spec, 40)
    claimed = store.claim_next("host:1")
    assert claimed is not None and train_run(store, claimed, lambda cfg: default_split) == "failed"
    failed = store.get_run(token, run.id)
    assert failed.message.startswith("Training could not start: One batch would take") and failed.epochs == 0
