"""The splits a training process (a local worker or a Ray actor) makes, each once, for run after run."""

from __future__ import annotations

from collections.abc import Callable

from ..config import DataConfig
from ..data import EcgData, EcgSplit
from ..datasets import dataset_split, load_dataset


class SplitCache:
    """Splits by data config (a CSV's config names its digest: one split per upload); the rows of the datasets whose
    rows do not depend on the config's options are loaded once, when first asked for (a training process asks for
    ECG5000's default split as it warms up: `worker.warm_up`)."""

    def __init__(self) -> None:
        self._rows: dict[str, EcgData] = {}
        self._splits: dict[DataConfig, EcgSplit] = {}

    def split(self, cfg: DataConfig, upload: Callable[[], bytes | None]) -> EcgSplit:
        """The split `cfg` asks for; `upload()` gives the learner's CSV when `cfg` names one (called only then)."""
        if cfg not in self._splits:
            fixed = cfg.dataset not in ("csv", "long_signal")
            if fixed and cfg.dataset not in self._rows:
                self._rows[cfg.dataset] = load_dataset(cfg)
            data = upload() if cfg.dataset == "csv" else None
            self._splits[cfg] = dataset_split(cfg, data, self._rows.get(cfg.dataset) if fixed else None)
        return self._splits[cfg]
