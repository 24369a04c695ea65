"""Models and the streaming trainer on the real ECG5000 data."""

import math

import numpy as np
import pytest
import torch

from anomaly_core import (
    DataConfig,
    ModelConfig,
    TrainConfig,
    Trainer,
    TrainingDiverged,
    anomaly_scores,
    build_model,
    count_parameters,
    latent_codes,
    make_split,
    per_step_errors,
    reconstruct,
    roc_auc,
)
from anomaly_core.config import ACTIVATIONS, LOSSES, OPTIMIZERS, OUTPUT_ACTIVATIONS


@pytest.fixture(scope="module")
def small_split(ecg):
    return make_split(ecg, DataConfig(train_size=300, test_size=100, seed=0))


def test_default_model_reaches_the_auc_floor(trained_default) -> None:
    auc = roc_auc(trained_default.split.y_test, trained_default.trainer.test_scores())
    assert auc >= 0.97


def test_loss_falls_and_events_stream_per_epoch(trained_default) -> None:
    history = trained_default.history
    assert [e.epoch for e in history] == list(range(1, TrainConfig().epochs + 1))
    assert all(math.isfinite(e.train_loss) and math.isfinite(e.val_loss) for e in history)
    assert history[-1].train_loss < history[0].train_loss / 3
    assert history[-1].steps == TrainConfig().epochs * math.ceil(len(trained_default.split.x_train) / TrainConfig().batch_size)
    assert all(b.seconds > a.seconds for a, b in zip(history, history[1:]))


def test_shapes(trained_default) -> None:
    model, x = trained_default.trainer.model, trained_default.split.x_test[:7]
    assert reconstruct(model, x).shape == (7, 140)
    assert per_step_errors(model, x, "mse").shape == (7, 140)
    assert anomaly_scores(model, x, "mse").shape == (7,)
    assert latent_codes(model, x).shape == (7, ModelConfig().latent_size)
    assert anomaly_scores(model, x[0], "mse").shape == (1,)
    np.testing.assert_allclose(per_step_errors(model, x, "mse").mean(axis=1), anomaly_scores(model, x, "mse"), rtol=1e-5)


def test_abnormal_beats_score_higher(trained_default) -> None:
    split, scores = trained_default.split, trained_default.trainer.test_scores()
    assert np.median(scores[split.y_test == 1]) > 3 * np.median(scores[split.y_test == 0])


def test_same_seed_same_losses_and_different_seed_differs(small_split) -> None:
    def losses(seed: int) -> list[float]:
        trainer = Trainer(build_model(ModelConfig(), seed), small_split, TrainConfig(epochs=3, seed=seed, device="cpu"))
        return [e.train_loss for e in trainer.fit()]

    assert losses(1) == losses(1)
    assert losses(1) != losses(2)


def test_same_config_and_seed_give_the_same_weights() -> None:
    a, b = build_model(ModelConfig(), 5), build_model(ModelConfig(), 5)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert count_parameters(a) == sum(p.numel() for p in a.parameters())


def test_continue_training_accumulates_epochs_and_steps(small_split) -> None:
    trainer = Trainer(build_model(ModelConfig(), 0), small_split, TrainConfig(epochs=2, batch_size=100, device="cpu"))
    first = list(trainer.fit())
    more = list(trainer.fit(epochs=1))
    assert [e.epoch for e in first + more] == [1, 2, 3]
    assert [e.steps for e in first + more] == [3, 6, 9]


def test_eval_every_k_epochs_reports_test_scores(small_split) -> None:
    trainer = Trainer(build_model(ModelConfig(), 0), small_split, TrainConfig(epochs=4, eval_every=2, device="cpu"))
    events = list(trainer.fit())
    assert [e.test_scores is not None for e in events] == [False, True, False, True]
    assert events[-1].test_scores.shape == (100,)


def test_stopping_the_iterator_early_leaves_the_model_in_eval_mode(small_split) -> None:
    trainer = Trainer(build_model(ModelConfig(dropout=0.2), 0), small_split, TrainConfig(epochs=10, device="cpu"))
    for event in trainer.fit():
        if event.epoch == 2:
            break
    assert not trainer.model.training and trainer.epoch == 2
    assert [e.epoch for e in trainer.fit(epochs=1)] == [3]


def test_an_error_in_the_middle_of_an_epoch_leaves_the_model_in_eval_mode(small_split, monkeypatch) -> None:
    """Every finished epoch ends in eval mode anyway; only the trainer's `finally` covers a stop inside one."""
    trainer = Trainer(build_model(ModelConfig(dropout=0.2), 0), small_split, TrainConfig(epochs=2, batch_size=100, device="cpu"))

    def interrupted() -> None:
        assert trainer.model.training  # stopped while the weights are being trained
        raise KeyboardInterrupt

    monkeypatch.setattr(trainer.optimizer, "step", interrupted)
    with pytest.raises(KeyboardInterrupt):
        list(trainer.fit())
    assert not trainer.model.training and trainer.epoch == 0


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_trains(small_split, optimizer: str) -> None:
    check_trains_a_step(small_split, ModelConfig(), TrainConfig(epochs=1, optimizer=optimizer, device="cpu"))


@pytest.mark.parametrize("loss", LOSSES)
def test_every_loss_trains(small_split, loss: str) -> None:
    check_trains_a_step(small_split, ModelConfig(), TrainConfig(epochs=1, loss=loss, device="cpu"))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_hidden_activation_trains(small_split, activation: str) -> None:
    check_trains_a_step(small_split, ModelConfig(activation=activation), TrainConfig(epochs=1, device="cpu"))


@pytest.mark.parametrize("output", OUTPUT_ACTIVATIONS)
def test_every_output_activation_trains(small_split, output: str) -> None:
    check_trains_a_step(small_split, ModelConfig(output_activation=output), TrainConfig(epochs=1, device="cpu"))


@pytest.mark.parametrize(
    "model_cfg",
    [
        ModelConfig(batch_norm=True, dropout=0.3, init="kaiming"),
        ModelConfig(init="default", input_noise=0.1),
        ModelConfig(encoder_hidden=(32,), decoder_hidden=(16, 64), latent_size=4),
    ],
)
def test_model_options_train(small_split, model_cfg: ModelConfig) -> None:
    check_trains_a_step(small_split, model_cfg, TrainConfig(epochs=1, device="cpu"))


@pytest.mark.parametrize("regularizer", ["l1", "l2", "l1_l2"])
def test_weight_penalties_shrink_the_weights(small_split, regularizer: str) -> None:
    def weight_norm(rate: float) -> float:
        cfg = TrainConfig(epochs=3, regularizer=regularizer, regularization_rate=rate, device="cpu")
        trainer = Trainer(build_model(ModelConfig(), 0), small_split, cfg)
        list(trainer.fit())
        return sum(float(p.detach().abs().sum()) for n, p in trainer.model.named_parameters() if n.endswith("weight"))

    assert weight_norm(1e-3) < weight_norm(0.0)


def check_trains_a_step(split, model_cfg: ModelConfig, train_cfg: TrainConfig) -> None:
    model = build_model(model_cfg, 0)
    before = [p.detach().clone() for p in model.parameters()]
    events = list(Trainer(model, split, train_cfg).fit())
    assert math.isfinite(events[-1].train_loss) and math.isfinite(events[-1].val_loss)
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))


@pytest.mark.parametrize("output", ["sigmoid", "linear"])
def test_divergence_at_learning_rate_10_is_caught_and_keeps_the_last_good_weights(small_split, output: str) -> None:
    model = build_model(ModelConfig(output_activation=output), 0)
    initial = [p.detach().clone() for p in model.parameters()]
    trainer = Trainer(model, small_split, TrainConfig(epochs=20, learning_rate=10.0, device="cpu"))
    with pytest.raises(TrainingDiverged, match="learning rate 10 is too high") as caught:
        list(trainer.fit())
    assert "epoch 1" in str(caught.value) and trainer.epoch == 0 and trainer.steps == 0
    assert all(torch.equal(a, b) for a, b in zip(initial, trainer.model.parameters()))
    assert np.isfinite(trainer.test_scores()).all()


def test_an_unsaturated_model_blowing_up_to_nan_is_caught(small_split) -> None:
    cfg = TrainConfig(epochs=50, learning_rate=10.0, optimizer="sgd", device="cpu")
    trainer = Trainer(build_model(ModelConfig(output_activation="linear", activation="elu"), 0), small_split, cfg)
    with pytest.raises(TrainingDiverged, match="too high"):
        list(trainer.fit())
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (dict(encoder_hidden=()), "encoder_hidden"),
        (dict(encoder_hidden=(0,)), "encoder_hidden"),
        (dict(encoder_hidden=(16,) * 20), "encoder_hidden"),
        (dict(encoder_hidden=(1024,)), "encoder_hidden"),
        (dict(latent_size=0), "latent_size"),
        (dict(activation="swish"), "activation"),
        (dict(output_activation="softmax"), "output_activation"),
        (dict(dropout=1.0), "dropout"),
        (dict(init="orthogonal"), "init"),
        (dict(decoder_hidden=(0, 4)), "decoder_hidden"),
    ],
)
def test_bad_model_configs_name_the_field(values, field) -> None:
    with pytest.raises(ValueError, match=field):
        ModelConfig(**values)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (dict(learning_rate=0), "learning_rate"),
        (dict(learning_rate=float("nan")), "learning_rate"),
        (dict(batch_size=0), "batch_size"),
        (dict(epochs=0), "epochs"),
        (dict(optimizer="lbfgs"), "optimizer"),
        (dict(loss="huber"), "loss"),
        (dict(device="tpu"), "device"),
        (dict(regularizer="l3"), "regularizer"),
    ],
)
def test_bad_train_configs_name_the_field(values, field) -> None:
    with pytest.raises(ValueError, match=field):
        TrainConfig(**values)


def test_batch_larger_than_the_data_is_refused_with_the_limit(small_split) -> None:
    with pytest.raises(ValueError, match="batch_size: 1024 is larger than the 300 training beats"):
        Trainer(build_model(ModelConfig(), 0), small_split, TrainConfig(batch_size=1024))


def test_scoring_refuses_wrong_lengths_and_nan(trained_default) -> None:
    model = trained_default.trainer.model
    with pytest.raises(ValueError, match="140"):
        anomaly_scores(model, np.zeros((2, 100)), "mse")
    with pytest.raises(ValueError, match="NaN"):
        anomaly_scores(model, np.full((1, 140), np.nan), "mse")


def test_cuda_requested_without_cuda_falls_back_with_a_notice(small_split) -> None:
    trainer = Trainer(build_model(ModelConfig(), 0), small_split, TrainConfig(epochs=1, device="cuda"))
    if torch.cuda.is_available():
        assert trainer.device.type == "cuda" and trainer.device_notice is None
    else:
        assert trainer.device.type == "cpu" and "no CUDA GPU" in trainer.device_notice


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_training_matches_the_cpu_quality(default_split) -> None:
    trainer = Trainer(build_model(ModelConfig(), 0), default_split, TrainConfig(device="auto"))
    assert trainer.device.type == "cuda"
    list(trainer.fit())
    assert next(trainer.model.parameters()).is_cuda
    assert roc_auc(default_split.y_test, trainer.test_scores()) >= 0.97
