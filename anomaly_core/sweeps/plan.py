"""A sweep's plan: the base settings, one or two settings with their values, and a number of seeds.

Every combination of values × seeds becomes one run; seed i trains with the base training seed + i
(the data split stays the base's, so every run is scored on the same test beats).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from dataclasses import dataclass
from typing import Any

from ..runs.records import MAX_SWEEP_RUNS, RunSpec
from .params import parameter, parse_values

MAX_SEEDS = 5
MAX_PARAMETERS = 2
PER_RUN_OVERHEAD_SECONDS = 0.3  # claim, data split, model build, checkpoints and final scoring of one run


@dataclass(frozen=True)
class SweepPlan:
    """`grid` holds (setting key, its values) for one or two settings; `seeds` runs per combination."""

    base: RunSpec
    grid: tuple[tuple[str, tuple[Any, ...]], ...]
    seeds: int = 1

    def __post_init__(self) -> None:
        if not 1 <= len(self.grid) <= MAX_PARAMETERS:
            raise ValueError(f"a sweep varies 1 or {MAX_PARAMETERS} settings, got {len(self.grid)}")
        if len({key for key, _ in self.grid}) != len(self.grid):
            raise ValueError("choose two different settings (or just one)")
        for key, values in self.grid:
            if not values:
                raise ValueError(f"{parameter(key).label}: give at least one value")
        if not (isinstance(self.seeds, int) and 1 <= self.seeds <= MAX_SEEDS):
            raise ValueError(f"seeds: choose 1 to {MAX_SEEDS}, got {self.seeds!r}")
        if self.size > MAX_SWEEP_RUNS:
            raise ValueError(f"this sweep has {self.size} runs; at most {MAX_SWEEP_RUNS} fit in one sweep")

    @classmethod
    def from_text(cls, base: RunSpec, grid: dict[str, str], seeds: int) -> SweepPlan:
        """A plan from settings and their comma-separated values as typed (ValueError says what is wrong)."""
        return cls(base, tuple((key, parse_values(key, text)) for key, text in grid.items()), seeds)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.grid)

    @property
    def size(self) -> int:
        """How many runs the sweep makes."""
        count = self.seeds
        for _, values in self.grid:
            count *= len(values)
        return count

    def runs(self) -> list[tuple[str, RunSpec]]:
        """(name, spec) of every run; ValueError names the setting and value the configs refuse."""
        made = []
        for combination in itertools.product(*(values for _, values in self.grid)):
            spec, labels = self.base, []
            for key, value in zip(self.keys, combination):
                param = parameter(key)
                try:
                    spec = param.applied(spec, value)
                except ValueError as error:
                    raise ValueError(f"{param.label} = {param.show(value)} cannot be used with these settings: {error}") from None
                labels.append(f"{param.label} {param.show(value)}")
            for key in self.keys:
                parameter(key).check_family(spec.model.family)
            for offset in range(self.seeds):
                seeded = dataclasses.replace(spec.train, seed=self.base.train.seed + offset)
                made.append((f"Sweep · {' · '.join(labels)} · seed {seeded.seed}", dataclasses.replace(spec, train=seeded)))
        return made

    def estimate_seconds(self, seconds_per_epoch: float, workers: int) -> float:
        """Wall time for `workers` parallel trainers at `seconds_per_epoch` (as measured for the base settings)."""
        costs = sorted((s.train.epochs * seconds_per_epoch + PER_RUN_OVERHEAD_SECONDS for _, s in self.runs()), reverse=True)
        lanes = [0.0] * max(1, min(workers, len(costs)))
        for cost in costs:  # longest first onto the least busy worker, as the queue roughly does
            lanes[lanes.index(min(lanes))] += cost
        return max(lanes)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (how the store keeps the plan)."""
        grid = [[key, [list(v) if isinstance(v, tuple) else v for v in values]] for key, values in self.grid]
        return {"base": json.loads(self.base.to_json()), "grid": grid, "seeds": self.seeds}

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> SweepPlan:
        grid = tuple((key, tuple(tuple(v) if isinstance(v, list) else v for v in vals)) for key, vals in values["grid"])
        return cls(RunSpec.from_json(json.dumps(values["base"])), grid, int(values["seeds"]))
