"""Per dataset: the default autoencoder against the Local Outlier Factor on the same split (ROC AUC, AP, training s).

Training seconds are also printed as a ratio to ECG5000's default autoencoder, measured in the same run (the
baseline), since absolute seconds depend on the machine and its load. A learner's CSV is represented by real
ECG5000 beats written as a CSV (label 0 = normal). Run: `.venv/bin/python benchmarks/bench_datasets.py [--seeds 0 1 2]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anomaly_core import (  # noqa: E402
    DataConfig,
    EcgSplit,
    ModelConfig,
    TrainConfig,
    Trainer,
    average_precision,
    build_model,
    csv_digest,
    dataset_split,
    fit_batch_to_rows,
    fit_model_to_length,
    load_ecg5000,
    roc_auc,
)
from anomaly_core.baselines import run_baseline  # noqa: E402

DATASETS = ("ecg5000", "ecg200", "ecgfivedays", "digits", "long_signal", "csv")


def ecg_csv(rows: int = 1500) -> bytes:
    """Real ECG5000 beats as a learner's CSV: a label column (0 = normal, else the class), then the values."""
    ecg = load_ecg5000()
    pick = np.random.default_rng(0).permutation(len(ecg.classes))[:rows]
    labels = np.where(ecg.classes[pick] == 1, 0, ecg.classes[pick])
    lines = ["label," + ",".join(f"t{i}" for i in range(ecg.signals.shape[1]))]
    lines += [f"{label}," + ",".join(f"{v:.5g}" for v in row) for label, row in zip(labels, ecg.signals[pick])]
    return ("\n".join(lines) + "\n").encode()


def split_for(name: str, seed: int, upload: bytes) -> EcgSplit:
    if name == "csv":
        return dataset_split(DataConfig(dataset="csv", csv_digest=csv_digest(upload), seed=seed), upload)
    return dataset_split(DataConfig(dataset=name, seed=seed))


def measure(split: EcgSplit, seed: int) -> dict[str, float]:
    """AUC, AP and training seconds of the default autoencoder and of LOF on one split."""
    cfg = fit_model_to_length(ModelConfig(), split.x_test.shape[1])
    train_cfg = fit_batch_to_rows(TrainConfig(seed=seed, device="cpu"), len(split.x_train))  # as the app: ECG200's 96 beats
    trainer = Trainer(build_model(cfg, seed=seed), split, train_cfg)
    started = time.perf_counter()
    list(trainer.fit())
    ae_seconds = time.perf_counter() - started
    ae_scores = trainer.test_scores()
    lof = run_baseline("lof", split, seed=seed)
    return {
        "ae_auc": roc_auc(split.y_test, ae_scores),
        "ae_ap": average_precision(split.y_test, ae_scores),
        "ae_s": ae_seconds,
        "lof_auc": roc_auc(split.y_test, lof.test_scores),
        "lof_ap": average_precision(split.y_test, lof.test_scores),
        "lof_s": lof.fit_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    upload = ecg_csv()
    rows = {}
    for name in DATASETS:
        runs = [measure(split_for(name, seed, upload), seed) for seed in args.seeds]
        rows[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    baseline = rows["ecg5000"]["ae_s"]
    print(f"median over seeds {args.seeds}; 'x' = training seconds / ECG5000 autoencoder's ({baseline:.2f} s) in this run")
    print(f"{'dataset':<12} {'AE AUC':>7} {'AE AP':>6} {'AE s':>6} {'x':>5}   {'LOF AUC':>7} {'LOF AP':>6} {'LOF s':>6} {'x':>5}")
    for name, row in rows.items():
        print(
            f"{name:<12} {row['ae_auc']:7.3f} {row['ae_ap']:6.3f} {row['ae_s']:6.3f} {row['ae_s'] / baseline:5.2f}   "
            f"{row['lof_auc']:7.3f} {row['lof_ap']:6.3f} {row['lof_s']:6.3f} {row['lof_s'] / baseline:5.2f}"
        )


if __name__ == "__main__":
    main()
