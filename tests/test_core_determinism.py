"""Same seed, same run, whatever else runs in the process: weights and training draw only from their own generators."""

from __future__ import annotations

import threading

import pytest
import torch

from anomaly_core import DataConfig, ModelConfig, TrainConfig, Trainer, build_model, make_split

RUNS = {
    "dense with dropout and denoising": (ModelConfig(dropout=0.2, input_noise=0.05), 3),
    "vae": (ModelConfig(family="vae", dropout=0.1), 4),
}


@pytest.fixture(scope="module")
def small_split(ecg):
    return make_split(ecg, DataConfig(train_size=300, test_size=100, seed=0))


def train(split, cfg: ModelConfig, seed: int, after_epoch=lambda: None) -> tuple[list[float], dict[str, torch.Tensor]]:
    """Train 3 epochs; call `after_epoch` after each one; return the losses and the final weights."""
    trainer = Trainer(build_model(cfg, seed), split, TrainConfig(epochs=3, batch_size=50, seed=seed, device="cpu"))
    losses = []
    for event in trainer.fit():
        losses.append(event.train_loss)
        after_epoch()
    return losses, {k: v.clone() for k, v in trainer.model.state_dict().items()}


def test_build_model_ignores_the_global_generator() -> None:
    for cfg in (ModelConfig(), ModelConfig(family="vae"), ModelConfig(family="conv"), ModelConfig(family="lstm", init="default")):
        torch.manual_seed(1)
        a = build_model(cfg, 5).state_dict()
        torch.manual_seed(2)
        b = build_model(cfg, 5).state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a), cfg.family


def test_interleaved_trainings_in_threads_each_equal_their_solo_run(small_split) -> None:
    solo = {name: train(small_split, cfg, seed) for name, (cfg, seed) in RUNS.items()}
    barrier = threading.Barrier(len(RUNS) + 1)
    results: dict[str, tuple] = {}

    def run(name: str, cfg: ModelConfig, seed: int) -> None:
        results[name] = train(small_split, cfg, seed, after_epoch=lambda: barrier.wait(timeout=60))

    def meddle() -> None:  # another session seeding and drawing from the process-wide generator meanwhile
        for _ in range(3):
            torch.manual_seed(99)
            torch.rand(1000)
            barrier.wait(timeout=60)

    threads = [threading.Thread(target=run, args=(name, *spec)) for name, spec in RUNS.items()]
    threads.append(threading.Thread(target=meddle))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for name, (losses, weights) in solo.items():
        assert results[name][0] == losses, name
        assert all(torch.equal(weights[k], results[name][1][k]) for k in weights), name
