"""Every model family's default against the classical baselines on the same ECG5000 split and seeds.

Prints median ROC AUC, average precision, training seconds and milliseconds to score 1000 beats, then
checks the targets: every autoencoder family's default reaches median AUC >= 0.975, and at least one
beats the Local Outlier Factor. Run: `.venv/bin/python benchmarks/bench_models.py [--seeds 0 1 2 3 4]`.

`--grid` instead prints the default dense model over 5 split seeds x 5 model seeds (median AUC per split)
against LOF on the same split, and exits 0 only when it beats LOF on every split. `--scaling`,
`--smoothing W [W ...]`, `--hidden` and `--latent` measure other choices the same way, e.g.
`bench_models.py --grid --scaling global --smoothing 1 3 5 7 9`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from split_grid import grid_config, run_grid  # noqa: E402

from anomaly_core import (  # noqa: E402
    DataConfig,
    EcgSplit,
    ModelConfig,
    TrainConfig,
    Trainer,
    anomaly_scores,
    average_precision,
    build_model,
    load_ecg5000,
    make_split,
    roc_auc,
)
from anomaly_core.baselines import BASELINE_LABELS, BASELINES, make_baseline  # noqa: E402
from anomaly_core.config import SCALINGS  # noqa: E402

AUC_TARGET = 0.975
FAMILIES = {
    "dense": ModelConfig(),
    "dense, denoising (noise 0.05)": ModelConfig(input_noise=0.05),
    "vae": ModelConfig(family="vae"),
    "vae, ELBO score": ModelConfig(family="vae", vae_score="elbo"),
    "conv": ModelConfig(family="conv"),
    "lstm": ModelConfig(family="lstm"),
}


@dataclass
class Runs:
    """Per-seed measurements of one model."""

    auc: list[float] = field(default_factory=list)
    ap: list[float] = field(default_factory=list)
    train_s: list[float] = field(default_factory=list)
    score_ms: list[float] = field(default_factory=list)

    def add(self, split: EcgSplit, scores: np.ndarray, train_s: float, score_ms: float) -> None:
        self.auc.append(roc_auc(split.y_test, scores))
        self.ap.append(average_precision(split.y_test, scores))
        self.train_s.append(train_s)
        self.score_ms.append(score_ms)


def _per_1000(seconds: float, rows: int) -> float:
    return 1000 * seconds * 1000 / rows


def run_autoencoder(cfg: ModelConfig, split: EcgSplit, seed: int, runs: Runs) -> None:
    """Train one default with the default TrainConfig on the CPU; time training and scoring."""
    trainer = Trainer(build_model(cfg, seed), split, TrainConfig(seed=seed, device="cpu"))
    started = time.perf_counter()
    for _ in trainer.fit():
        pass
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    scores = anomaly_scores(trainer.model, split.x_test, "mse")
    runs.add(split, scores, train_s, _per_1000(time.perf_counter() - started, len(split.x_test)))


def run_baseline(name: str, split: EcgSplit, seed: int, runs: Runs) -> None:
    """Fit one baseline on the training rows; time fitting and scoring."""
    detector = make_baseline(name, seed=seed)
    started = time.perf_counter()
    detector.fit(split.x_train)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    scores = detector.score(split.x_test)
    runs.add(split, scores, fit_s, _per_1000(time.perf_counter() - started, len(split.x_test)))


def print_table(results: dict[str, Runs]) -> None:
    print(f"{'model':34} {'med AUC':>8} {'AUC min-max':>14} {'med AP':>7} {'train s':>8} {'ms/1000':>8}")
    for name, runs in results.items():
        spread = f"{min(runs.auc):.4f}-{max(runs.auc):.4f}"
        print(
            f"{name:34} {statistics.median(runs.auc):8.4f} {spread:>14} {statistics.median(runs.ap):7.3f} "
            f"{statistics.median(runs.train_s):8.2f} {statistics.median(runs.score_ms):8.1f}"
        )


def check_targets(results: dict[str, Runs]) -> bool:
    """Print whether each family meets the AUC target and whether one beats LOF; True when all hold."""
    lof = statistics.median(results[BASELINE_LABELS["lof"]].auc)
    ok = True
    for name in FAMILIES:
        median = statistics.median(results[name].auc)
        met = median >= AUC_TARGET
        ok &= met
        print(f"{name}: median AUC {median:.4f} {'>=' if met else '<'} {AUC_TARGET} {'ok' if met else 'MISSED'}")
    best = max(FAMILIES, key=lambda name: statistics.median(results[name].auc))
    best_auc = statistics.median(results[best].auc)
    beats = best_auc > lof
    print(f"best family {best}: {best_auc:.4f} {'>' if beats else '<='} LOF {lof:.4f} {'ok' if beats else 'MISSED'}")
    return ok and beats


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is steadiest for these small models)")
    parser.add_argument("--split-per-seed", action="store_true", help="seed the split too (default: DataConfig()'s split)")
    grid = parser.add_argument_group("--grid: the default dense model over split seeds x model seeds, against LOF")
    grid.add_argument("--grid", action="store_true")
    grid.add_argument("--splits", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="split seeds")
    grid.add_argument("--scaling", choices=SCALINGS, default=DataConfig().scaling)
    grid.add_argument("--smoothing", type=int, nargs="+", help="score windows to report (default: the model's)")
    grid.add_argument("--hidden", type=int, nargs="+", help="encoder layer sizes (default: ModelConfig's)")
    grid.add_argument("--latent", type=int, help="latent size (default: ModelConfig's)")
    grid.add_argument("--noise", type=float, help="input noise while training, denoising (default: ModelConfig's)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    data = load_ecg5000()
    if args.grid:
        windows = args.smoothing or [ModelConfig().score_smoothing]
        cfg = grid_config(ModelConfig(), args.hidden, args.latent, windows[0] if len(windows) == 1 else None, args.noise)
        windows = sorted(set(windows) | {cfg.score_smoothing})
        sys.exit(0 if run_grid(data, cfg, args.scaling, args.splits, args.seeds, windows) else 1)
    split = make_split(data, DataConfig())
    splits = "each seed's own split" if args.split_per_seed else "DataConfig()'s split"
    print(f"ECG5000, {splits}: {len(split.x_train)} training, {len(split.x_test)} test beats; seeds {args.seeds}")
    results = {name: Runs() for name in [*FAMILIES, *BASELINE_LABELS.values()]}
    for seed in args.seeds:
        if args.split_per_seed:
            split = make_split(data, DataConfig(seed=seed))
        for name, cfg in FAMILIES.items():
            run_autoencoder(cfg, split, seed, results[name])
        for name in BASELINES:
            run_baseline(name, split, seed, results[BASELINE_LABELS[name]])
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    print_table(results)
    sys.exit(0 if check_targets(results) else 1)


if __name__ == "__main__":
    main()
