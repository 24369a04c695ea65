"""Core speed: time to AUC 0.98, default training, ms per epoch, scoring, against a naive loop and PyOD.

Run: `.venv/bin/pip install -r benchmarks/requirements.txt && .venv/bin/python benchmarks/bench_core.py`
All numbers come from one run on this machine; ratios compare runs made here and now.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from anomaly_core import (
    DataConfig,
    ModelConfig,
    TrainConfig,
    Trainer,
    anomaly_scores,
    build_model,
    configure_threads,
    load_ecg5000,
    make_split,
    roc_auc,
)
from anomaly_core.scoring import elementwise_error

TARGET_AUC = 0.98


def ours(split) -> dict[str, float]:
    """Default training, evaluating the test AUC after every epoch (evaluation timed apart)."""
    trainer = Trainer(build_model(ModelConfig(), 0), split, TrainConfig(device="cpu"))
    to_target, epochs_to_target, eval_seconds = None, 0, 0.0
    for event in trainer.fit():
        started = time.perf_counter()
        auc = roc_auc(split.y_test, trainer.test_scores())
        eval_seconds += time.perf_counter() - started
        if to_target is None and auc >= TARGET_AUC:
            to_target, epochs_to_target = event.seconds, event.epoch
    return {
        "to_target": to_target if to_target is not None else float("nan"),
        "epochs_to_target": epochs_to_target if to_target is not None else 0,
        "total": trainer.seconds,
        "ms_per_epoch": 1000 * trainer.seconds / trainer.epoch,
        "eval_seconds": eval_seconds,
        "auc": auc,
        "model": trainer.model,
    }


def full_pass_ms(split, repeats: int = 20) -> float:
    """One optimizer step over all training beats as a single batch: the cheapest way to learn from each beat once."""
    model, x = build_model(ModelConfig(), 0), torch.from_numpy(split.x_train)
    optimizer = torch.optim.Adam(model.parameters(), lr=TrainConfig().learning_rate, fused=True)
    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        loss = elementwise_error(model(x), x, "mse").mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times[1:])


def naive_loop_ms_per_epoch(split, epochs: int = 10) -> float:
    """The textbook DataLoader loop on the same model, data and batch size."""
    from torch.utils.data import DataLoader, TensorDataset

    model, cfg = build_model(ModelConfig(), 0), TrainConfig()
    loader = DataLoader(TensorDataset(torch.from_numpy(split.x_train)), batch_size=cfg.batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    started = time.perf_counter()
    for _ in range(epochs):
        model.train()
        for (batch,) in loader:
            loss = elementwise_error(model(batch), batch, "mse").mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            _ = loss.item()
    return 1000 * (time.perf_counter() - started) / epochs


MATCHED = dict(
    batch_size=TrainConfig().batch_size, lr=TrainConfig().learning_rate, hidden_neuron_list=[64, 32, 16],
    batch_norm=False, dropout_rate=0.0, preprocessing=False,
)  # fmt: skip  # PyOD set up like our default model


def pyod_time_to_target(split, settings: dict, max_epochs: int = 48) -> tuple[float, int, float]:
    """(fit seconds, epochs, AUC) of the PyOD AutoEncoder fit with the fewest epochs that reaches the target AUC."""
    from pyod.models.auto_encoder import AutoEncoder

    last = (float("nan"), 0, 0.0)
    for epochs in range(1, max_epochs + 1):
        detector = AutoEncoder(epoch_num=epochs, verbose=0, random_state=0, device="cpu", **settings)
        started = time.perf_counter()
        detector.fit(split.x_train)
        seconds = time.perf_counter() - started
        last = (seconds, epochs, roc_auc(split.y_test, detector.decision_function(split.x_test)))
        if last[2] >= TARGET_AUC:
            break
    return last


def scoring_ms(model, x: np.ndarray, repeats: int = 200) -> float:
    anomaly_scores(model, x, "mse")
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        anomaly_scores(model, x, "mse")
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def median_auc_over_seeds(data, seeds=range(5)) -> tuple[float, list[float]]:
    """Median test AUC of the default configuration over seeds (split, weights and training all seeded)."""
    aucs = []
    for seed in seeds:
        split = make_split(data, DataConfig(seed=seed))
        trainer = Trainer(build_model(ModelConfig(), seed), split, TrainConfig(seed=seed, device="cpu"))
        for _ in trainer.fit():
            pass
        aucs.append(roc_auc(split.y_test, trainer.test_scores()))
    return statistics.median(aucs), aucs


def main() -> None:
    configure_threads()
    data = load_ecg5000()
    split = make_split(data, DataConfig(seed=0))
    print(f"torch {torch.__version__}, 1 thread, {len(split.x_train)} training beats, {len(split.x_test)} test beats")
    result = ours(split)
    naive = naive_loop_ms_per_epoch(split)
    x1000 = np.resize(split.x_test, (1000, 140))
    score_ms = scoring_ms(result["model"], x1000)
    print(f"training seconds until test AUC >= {TARGET_AUC}: {result['to_target']:.3f} s (target <= 0.25 s)")
    print(f"evaluation time, excluded above:          {result['eval_seconds']:.3f} s")
    print(f"default training ({TrainConfig().epochs} epochs):           {result['total']:.3f} s, final AUC {result['auc']:.4f}")
    print(f"ms per epoch:                             {result['ms_per_epoch']:.2f} ms")
    speedup = naive / result["ms_per_epoch"]
    print(f"naive DataLoader loop, ms per epoch:      {naive:.2f} ms  -> ours is {speedup:.2f}x faster (target >= 1.5x)")
    print(f"scoring 1000 beats:                       {score_ms:.3f} ms (target <= 2 ms)")
    median, aucs = median_auc_over_seeds(data)
    print(
        f"default config, test AUC over seeds 0-4: median {median:.4f} ({', '.join(f'{a:.4f}' for a in aucs)}; target >= 0.985)"
    )
    try:
        import pyod  # noqa: F401
    except ImportError:
        print("PyOD not installed: pip install -r benchmarks/requirements.txt")
        return
    fastest = float("inf")
    for label, settings in (("PyOD's own defaults", {}), ("set up like ours", MATCHED)):
        seconds, epochs, auc = pyod_time_to_target(split, settings)
        fastest = min(fastest, seconds)
        reached = "reached" if auc >= TARGET_AUC else "did NOT reach"
        print(f"PyOD AutoEncoder, {label}: {reached} AUC {TARGET_AUC} ({auc:.4f}) after {epochs} epochs in {seconds:.3f} s")
        print(f"  -> ours is {seconds / result['to_target']:.1f}x faster to the same AUC (target >= 20x)")
    budget_ms, pass_ms = 1000 * fastest / 20, full_pass_ms(split)
    print(
        f"what 20x would take: AUC {TARGET_AUC} within {budget_ms:.1f} ms of training = {budget_ms / pass_ms:.1f} passes over "
        f"the training beats at {pass_ms:.2f} ms each (one full-batch step, the cheapest pass); "
        f"ours needs {result['epochs_to_target']} epochs"
    )


if __name__ == "__main__":
    main()
