"""The VAE, 1-D convolutional and LSTM families train, score, save and load like the dense autoencoder, on real ECG5000."""

import math

import numpy as np
import pytest
import torch

from anomaly_core import (
    DataConfig,
    ModelConfig,
    TrainConfig,
    Trainer,
    anomaly_scores,
    build_model,
    latent_codes,
    make_split,
    model_from_bytes,
    model_to_bytes,
    per_step_errors,
    reconstruct,
    roc_auc,
)

FAMILY_CONFIGS = {
    "vae": ModelConfig(family="vae"),
    "vae_elbo": ModelConfig(family="vae", vae_score="elbo"),
    "conv": ModelConfig(family="conv"),
    "lstm": ModelConfig(family="lstm"),
    "denoising": ModelConfig(input_noise=0.05),
}


@pytest.fixture(scope="module")
def small_split(ecg):
    return make_split(ecg, DataConfig(train_size=300, test_size=200, seed=0))


@pytest.fixture(scope="module", params=list(FAMILY_CONFIGS))
def trained(request, default_split) -> Trainer:
    """Each family trained briefly on the default split (12 epochs keeps the module fast on 2 cores)."""
    cfg = FAMILY_CONFIGS[request.param]
    trainer = Trainer(build_model(cfg, seed=0), default_split, TrainConfig(epochs=12, seed=0, device="cpu"))
    trainer.history = list(trainer.fit())
    return trainer


def test_each_family_learns_to_separate_abnormal_beats(trained, default_split) -> None:
    history = trained.history
    assert all(math.isfinite(e.train_loss) and math.isfinite(e.val_loss) for e in history)
    assert history[-1].val_loss < history[0].val_loss
    assert roc_auc(default_split.y_test, trained.test_scores()) >= 0.95


def test_trainer_scores_match_anomaly_scores(trained, default_split) -> None:
    np.testing.assert_allclose(trained.test_scores(), anomaly_scores(trained.model, default_split.x_test, "mse"), rtol=1e-5)


def test_save_load_round_trip_gives_identical_scores_and_codes(trained, default_split) -> None:
    model, x = trained.model, default_split.x_test
    loaded = model_from_bytes(model_to_bytes(model, default_split.scaler), expected_length=140)
    assert loaded.config == model.config and type(loaded.model) is type(model)
    np.testing.assert_array_equal(anomaly_scores(loaded.model, x, "mse"), anomaly_scores(model, x, "mse"))
    np.testing.assert_array_equal(latent_codes(loaded.model, x), latent_codes(model, x))
    np.testing.assert_array_equal(reconstruct(loaded.model, x[:5]), reconstruct(model, x[:5]))


def test_shapes_for_every_family(trained, default_split) -> None:
    model, x = trained.model, default_split.x_test[:7]
    assert reconstruct(model, x).shape == (7, 140)
    assert per_step_errors(model, x, "mse").shape == (7, 140)
    assert anomaly_scores(model, x, "mse").shape == (7,)
    assert latent_codes(model, x).shape == (7, model.config.latent_size)
    assert not model.training


def _vae(trainer_split, beta: float, score: str = "reconstruction", epochs: int = 5) -> Trainer:
    cfg = ModelConfig(family="vae", vae_beta=beta, vae_score=score)
    trainer = Trainer(build_model(cfg, seed=0), trainer_split, TrainConfig(epochs=epochs, seed=0, device="cpu"))
    list(trainer.fit())
    return trainer


def test_vae_kl_is_non_negative_and_elbo_score_is_reconstruction_plus_kl(small_split) -> None:
    model = _vae(small_split, beta=0.01, score="elbo").model
    x = torch.from_numpy(small_split.x_test)
    with torch.no_grad():
        kl = model.kl_per_beat(*model.posterior(x)).numpy()
    elbo = anomaly_scores(model, small_split.x_test, "mse")
    reconstruction = per_step_errors(model, small_split.x_test, "mse").mean(axis=1)
    assert (kl >= 0).all() and kl.max() > 0
    assert np.isfinite(elbo).all()
    np.testing.assert_allclose(elbo, reconstruction + kl, rtol=1e-5, atol=1e-7)


def test_vae_samples_while_training_and_uses_the_means_otherwise(small_split) -> None:
    model = build_model(ModelConfig(family="vae"), seed=0)
    x = torch.from_numpy(small_split.x_test[:4])
    with torch.no_grad():
        model.train()
        assert not torch.equal(model(x), model(x))
        model.eval()
        assert torch.equal(model(x), model(x))
        np.testing.assert_array_equal(latent_codes(model, x.numpy()), model.posterior(x)[0].numpy())


def test_the_trainer_adds_the_kl_term_so_beta_shrinks_it(small_split) -> None:
    def mean_kl(beta: float) -> float:
        model = _vae(small_split, beta=beta, epochs=8).model
        with torch.no_grad():
            mean, log_var = model.posterior(torch.from_numpy(small_split.x_test))
        return float((0.5 * (mean.square() + log_var.exp() - 1.0 - log_var).sum(dim=1)).mean())

    assert mean_kl(1.0) < 0.5 * mean_kl(0.0)


@pytest.mark.parametrize(
    ("kernel", "stride", "channels"),
    [(3, 3, (8, 8)), (5, 3, (8,)), (4, 4, (4, 8, 8)), (7, 3, (8, 16, 16)), (9, 4, (8, 8, 8, 8)), (2, 2, (4,)), (6, 1, (4, 4))],
)
def test_conv_output_has_exactly_140_steps_for_any_stride(kernel, stride, channels) -> None:
    cfg = ModelConfig(family="conv", conv_kernel=kernel, conv_stride=stride, conv_channels=channels)
    model = build_model(cfg, seed=0)
    x = np.random.default_rng(0).random((3, 140), dtype=np.float32)
    assert reconstruct(model, x).shape == (3, 140)
    assert anomaly_scores(model, x, "mse").shape == (3,)


@pytest.mark.parametrize("length", [137, 141])
def test_conv_output_matches_odd_input_lengths(length) -> None:
    model = build_model(ModelConfig(family="conv", input_length=length, conv_stride=3, conv_kernel=5), seed=0)
    assert model(torch.zeros(2, length)).shape == (2, length)


def test_same_config_and_seed_give_the_same_weights_for_every_family() -> None:
    for cfg in FAMILY_CONFIGS.values():
        a, b = build_model(cfg, 3), build_model(cfg, 3)
        assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_default_config_is_still_the_dense_140_64_32_16_model() -> None:
    cfg = ModelConfig()
    assert (cfg.family, cfg.encoder_hidden, cfg.latent_size, cfg.vae_score) == ("dense", (64, 32), 16, "reconstruction")
    names = [name for name, _ in build_model(cfg).named_parameters()]
    assert names == ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight", "encoder.2.bias", "encoder.4.weight"] + names[5:]
    assert names[-2:] == ["decoder.4.weight", "decoder.4.bias"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (dict(family="transformer"), "family"),
        (dict(vae_score="elbo"), "vae_score"),
        (dict(family="vae", vae_score="likelihood"), "vae_score"),
        (dict(family="vae", vae_beta=-0.1), "vae_beta"),
        (dict(family="vae", vae_beta=float("nan")), "vae_beta"),
        (dict(family="conv", conv_channels=()), "conv_channels"),
        (dict(family="conv", conv_channels=(0, 8)), "conv_channels"),
        (dict(family="conv", conv_kernel=1), "conv_kernel"),
        (dict(family="conv", conv_stride=5, conv_kernel=5), "conv_stride"),
        (dict(family="conv", conv_stride=3, conv_kernel=2), "conv_stride"),
        (dict(family="conv", batch_norm=True), "batch_norm"),
        (dict(family="lstm", lstm_hidden=0), "lstm_hidden"),
        (dict(family="lstm", lstm_layers=4), "lstm_layers"),
        (dict(family="lstm", lstm_chunk=3), "lstm_chunk"),
        (dict(family="lstm", batch_norm=True), "batch_norm"),
    ],
)
def test_bad_family_options_name_the_field(values, field) -> None:
    with pytest.raises(ValueError, match=field):
        ModelConfig(**values)


def test_lstm_reads_the_beat_in_chunks(small_split) -> None:
    cfg = ModelConfig(family="lstm", lstm_chunk=7, lstm_layers=2, lstm_hidden=16)
    model = build_model(cfg, seed=0)
    assert model.reader.input_size == 7 and model.reader.num_layers == 2
    Trainer(model, small_split, TrainConfig(epochs=1, device="cpu")).fit().__next__()
    assert reconstruct(model, small_split.x_test[:2]).shape == (2, 140)
