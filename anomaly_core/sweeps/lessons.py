"""Ready-made sweeps for the lessons: each a grid, a number of seeds and one sentence on what its curve shows."""

from __future__ import annotations

from dataclasses import dataclass

from ..runs.records import RunSpec
from .plan import SweepPlan


@dataclass(frozen=True)
class ReadySweep:
    """A lesson's sweep: `grid` maps a setting to its values as typed; `lesson` says what the curve shows."""

    key: str
    title: str
    grid: dict[str, str]
    seeds: int
    lesson: str

    def plan(self, base: RunSpec) -> SweepPlan:
        """This sweep over `base` (the learner's current settings)."""
        return SweepPlan.from_text(base, self.grid, self.seeds)


ANOMAGRAM_AUC = {0.0: 0.96, 0.3: 0.93, 0.5: 0.56}  # Anomagram's write-up: AUC at 0, 30 and 50 % abnormal in training

READY_SWEEPS: dict[str, ReadySweep] = {
    s.key: s
    for s in (
        ReadySweep(
            "contamination", "Abnormal beats in training", {"abnormal_fraction": "0, 10, 30, 50"}, 3,
            "AUC falls as more abnormal beats are mixed into training: the autoencoder learns to rebuild them too. "
            "Anomagram's write-up reports AUC ≈ 0.96 at 0 %, 0.93 at 30 % and 0.56 at 50 %.",
        ),
        ReadySweep(
            "bottleneck", "Bottleneck size", {"latent_size": "1, 2, 4, 8, 16"}, 3,
            "A bottleneck of 1 squeezes out too much of a normal beat; past a few units the gain levels off, and a "
            "very wide one starts to copy abnormal beats as well.",
        ),
        ReadySweep(
            "learning_rate", "Learning rate", {"learning_rate": "0.0001, 0.001, 0.01, 0.1, 1, 10"}, 2,
            "Too small a learning rate barely moves in the epochs given; too large a one overshoots or diverges "
            "(runs marked diverged have no AUC).",
        ),
    )
}  # fmt: skip
