"""The default model against LOF over split seeds × model seeds (bench_models.py --grid).

Each split seed draws its own training / test beats; on each split the dense model is trained once per
model seed and scored with every smoothing window asked for (training does not depend on the window), and
the Local Outlier Factor is fitted on the same training rows: scaled as the model sees them, and scaled with
one global min/max (LOF's ranking is then that of the raw beats), so a win never comes from a weaker LOF.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from anomaly_core import DataConfig, EcgData, EcgSplit, ModelConfig, TrainConfig, Trainer, build_model, make_split, roc_auc
from anomaly_core.baselines import make_baseline
from anomaly_core.scoring import elementwise_error


@dataclass
class SplitResult:
    """One split: the model's AUC per window and model seed, LOF's AUC on the same split, training seconds."""

    split_seed: int
    auc: dict[int, list[float]] = field(default_factory=dict)  # window -> AUC per model seed
    lof: float = 0.0  # LOF on the rows scaled as the model sees them
    lof_global: float = 0.0  # LOF on globally scaled rows (the raw beats' ranking)
    train_s: list[float] = field(default_factory=list)

    def median(self, window: int) -> float:
        return statistics.median(self.auc[window])

    @property
    def strongest_lof(self) -> float:
        return max(self.lof, self.lof_global)


@torch.no_grad()
def window_scores(model: torch.nn.Module, x: np.ndarray, window: int) -> np.ndarray:
    """Scaled beats (n, length) -> mean squared error (n,) after smoothing the difference over `window` steps."""
    model.eval()
    batch = torch.from_numpy(x)
    return elementwise_error(model(batch), batch, "mse", window, model.score_weights).mean(dim=1).numpy().astype(np.float64)


def lof_auc(split: EcgSplit) -> float:
    """Test AUC of the Local Outlier Factor fitted on the split's training rows."""
    return roc_auc(split.y_test, make_baseline("lof").fit(split.x_train).score(split.x_test))


def run_split(
    data: EcgData, cfg: ModelConfig, scaling: str, split_seed: int, seeds: list[int], windows: list[int]
) -> SplitResult:
    """Train `cfg` once per model seed on split `split_seed`; AUC for every window, and LOF on the same split."""
    split = make_split(data, DataConfig(seed=split_seed, scaling=scaling))
    globally = split if scaling == "global" else make_split(data, DataConfig(seed=split_seed, scaling="global"))
    result = SplitResult(split_seed, {window: [] for window in windows}, lof=lof_auc(split), lof_global=lof_auc(globally))
    for seed in seeds:
        trainer = Trainer(build_model(cfg, seed), split, TrainConfig(seed=seed, device="cpu"))
        started = time.perf_counter()
        for _ in trainer.fit():
            pass
        result.train_s.append(time.perf_counter() - started)
        for window in windows:
            result.auc[window].append(roc_auc(split.y_test, window_scores(trainer.model, split.x_test, window)))
    return result


def print_grid(results: list[SplitResult], window: int, seeds: list[int]) -> bool:
    """The split × seed table for one window; True when the median beats the stronger LOF on every split."""
    print(f"\nscore smoothing {window}: AUC per split seed (rows) and model seed (columns)")
    header = " ".join(f"{'seed ' + str(seed):>7}" for seed in seeds)
    print(f"{'split':>5} {header} {'median':>7} {'LOF':>7} {'LOF raw':>7} {'margin':>7}  beats LOF")
    wins = []
    for result in results:
        cells = " ".join(f"{auc:7.4f}" for auc in result.auc[window])
        margin = result.median(window) - result.strongest_lof
        wins.append(margin > 0)
        print(
            f"{result.split_seed:>5} {cells} {result.median(window):7.4f} {result.lof:7.4f} {result.lof_global:7.4f} "
            f"{margin:+7.4f}  {'yes' if margin > 0 else 'NO'}"
        )
    medians = [result.median(window) for result in results]
    margins = [result.median(window) - result.strongest_lof for result in results]
    print(
        f"median of split medians {statistics.median(medians):.4f}, worst split {min(medians):.4f}, "
        f"smallest margin {min(margins):+.4f}; beats LOF on every split: {'yes' if all(wins) else 'NO'}"
    )
    return all(wins)


def run_grid(data: EcgData, cfg: ModelConfig, scaling: str, splits: list[int], seeds: list[int], windows: list[int]) -> bool:
    """Print one table per window; True when the model's own window beats LOF on every split."""
    print(
        f"dense {list(cfg.encoder_hidden)}-{cfg.latent_size}, input noise {cfg.input_noise}, scaling {scaling}, "
        f"{len(splits)} split seeds x {len(seeds)} model seeds, default TrainConfig on the CPU"
    )
    results = []
    for split_seed in splits:
        results.append(run_split(data, cfg, scaling, split_seed, seeds, windows))
    ok = True
    for window in windows:
        beats = print_grid(results, window, seeds)
        ok = beats if window == cfg.score_smoothing else ok
    train_s = [s for result in results for s in result.train_s]
    print(f"\ntraining seconds per model: median {statistics.median(train_s):.3f} (min {min(train_s):.3f})")
    return ok


def grid_config(
    base: ModelConfig, hidden: list[int] | None, latent: int | None, smoothing: int | None, noise: float | None = None
) -> ModelConfig:
    """The default model with the sizes, window and input noise given on the command line."""
    changes: dict[str, object] = {}
    if noise is not None:
        changes["input_noise"] = noise
    if hidden:
        changes["encoder_hidden"] = tuple(hidden)
    if latent:
        changes["latent_size"] = latent
    if smoothing:
        changes["score_smoothing"] = smoothing
    return dataclasses.replace(base, **changes)
