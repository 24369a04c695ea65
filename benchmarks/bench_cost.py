"""How well the cost estimate (`anomaly_core/cost.py`) predicts real epochs, and how Stop reacts, on this machine.

For each model it trains whole epochs on one thread (as a worker does) and prints the measured and estimated
seconds per epoch and batch, their ratio, and both relative to the default dense model measured in the same run.
It then stops a heavy LSTM epoch mid-way and prints how long the Stop took against that model's estimated batch.
Run: `.venv/bin/python benchmarks/bench_cost.py [--epochs 2] [--train-size 600]` (a smaller training set keeps it short;
the estimate is computed for the same sizes).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anomaly_core import DataConfig, EcgSplit, ModelConfig, TrainConfig, Trainer, build_model, load_ecg5000, make_split  # noqa: E402
from anomaly_core.cost import RunSizes, estimate_cost  # noqa: E402
from anomaly_core.train import TrainingStopped  # noqa: E402

MODELS = {
    "dense (default)": (ModelConfig(), 128),
    "dense 512x6": (ModelConfig(encoder_hidden=(512,) * 6, latent_size=64), 128),
    "vae (default)": (ModelConfig(family="vae"), 128),
    "conv (default)": (ModelConfig(family="conv"), 128),
    "conv 4x128": (ModelConfig(family="conv", conv_channels=(128,) * 4), 128),
    "lstm (default)": (ModelConfig(family="lstm"), 128),
    "lstm 64x2 chunk 1": (ModelConfig(family="lstm", lstm_hidden=64, lstm_layers=2, lstm_chunk=1), 32),
    "lstm 128 chunk 4": (ModelConfig(family="lstm", lstm_hidden=128, lstm_chunk=4), 64),
    "dense, batch 8": (ModelConfig(), 8),
}


def measure(model: ModelConfig, batch: int, split: EcgSplit, epochs: int) -> tuple[float, float]:
    """Measured seconds per epoch (training and evaluation) and per training batch, median over `epochs`."""
    trainer = Trainer(build_model(model, seed=0), split, TrainConfig(epochs=epochs, batch_size=batch, device="cpu", eval_every=1))
    totals, batches = [], -(-len(split.x_train) // batch)
    last = time.perf_counter()
    train_before = 0.0
    per_batch = []
    for result in trainer.fit():
        now = time.perf_counter()
        totals.append(now - last)
        per_batch.append((result.seconds - train_before) / batches)
        train_before, last = result.seconds, now
    return statistics.median(totals), statistics.median(per_batch)


def stop_latency(split: EcgSplit) -> tuple[float, float]:
    """Seconds from a Stop request to TrainingStopped mid-epoch of a heavy LSTM, and its estimated batch seconds."""
    model, batch = MODELS["lstm 64x2 chunk 1"]
    trainer = Trainer(build_model(model, seed=0), split, TrainConfig(epochs=1000, batch_size=batch, device="cpu", eval_every=1))
    asked_at: list[float] = []
    started = time.perf_counter()

    def should_stop() -> bool:
        if time.perf_counter() - started > 2.0 and not asked_at:
            asked_at.append(time.perf_counter())
        return bool(asked_at)

    with contextlib.suppress(TrainingStopped):
        list(trainer.fit(should_stop=should_stop))
    sizes = RunSizes.of(split)
    return time.perf_counter() - asked_at[0], estimate_cost(model, TrainConfig(batch_size=batch), sizes).batch_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--train-size", type=int, default=600)
    args = parser.parse_args()
    torch.set_num_threads(1)
    split = make_split(load_ecg5000(), DataConfig(train_size=args.train_size, test_size=300, seed=0))
    sizes = RunSizes.of(split)
    print(f"{len(split.x_train)} training, {len(split.x_val)} validation, {len(split.x_test)} test beats; one thread")
    print(f"{'model':22} {'batch':>5} {'epoch s':>9} {'est. s':>9} {'est/meas':>8} {'batch s':>8} {'est. s':>8} "
          f"{'x base (meas)':>13} {'x base (est)':>12}")  # fmt: skip
    base: tuple[float, float] | None = None
    ratios = []
    for name, (model, batch) in MODELS.items():
        measured, measured_batch = measure(model, batch, split, args.epochs)
        cost = estimate_cost(model, TrainConfig(batch_size=batch), sizes)
        base = base or (measured, cost.epoch_seconds)
        ratios.append(cost.epoch_seconds / measured)
        print(f"{name:22} {batch:5} {measured:9.3f} {cost.epoch_seconds:9.3f} {cost.epoch_seconds / measured:8.2f} "
              f"{measured_batch:8.4f} {cost.batch_seconds:8.4f} {measured / base[0]:13.1f} "
              f"{cost.epoch_seconds / base[1]:12.1f}")  # fmt: skip
    print(f"estimate / measured: median {statistics.median(ratios):.2f}, range {min(ratios):.2f} to {max(ratios):.2f}")
    latency, batch_estimate = stop_latency(split)
    print(f"Stop mid-epoch of 'lstm 64x2 chunk 1': {latency:.3f} s after the request (estimated batch {batch_estimate:.3f} s)")


if __name__ == "__main__":
    main()
