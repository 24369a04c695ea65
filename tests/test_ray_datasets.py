"""Ray runs on the other datasets: the node builds the dataset's split by the same rule as the local workers, and
a learner's CSV (which a node cannot read from the app's folder) travels with the run. Needs the test Ray head."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig, csv_digest, fit_model_to_length, load_ecg5000
from anomaly_core.runs import RunRecord, RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.sweeps import SweepPlan
from anomaly_core.sweeps.service import start_sweep, wait_for_sweep
from anomaly_core.uploads import save_upload
from tests.test_sweep_ray import ray_address

BASE = RunSpec(ModelConfig(encoder_hidden=(32,), latent_size=8), TrainConfig(epochs=4, batch_size=64, device="cpu"), DataConfig())


def ecg_csv(rows: int = 600) -> bytes:
    """Real ECG5000 beats as a learner's CSV: a label column (0 = normal) and 140 values per row."""
    data = load_ecg5000()
    lines = ["label," + ",".join(f"v{i}" for i in range(data.signals.shape[1]))]
    for label, row in zip(data.classes[:rows], data.signals[:rows]):
        lines.append(f"{0 if label == 1 else 1}," + ",".join(f"{v:.5g}" for v in row))
    return ("\n".join(lines) + "\n").encode()


def on(dataset: str, length: int, **options: object) -> RunSpec:
    data = DataConfig(dataset=dataset, **options)  # type: ignore[arg-type]
    return dataclasses.replace(BASE, model=fit_model_to_length(BASE.model, length), data=data)


def sweep_on(settings: RunSettings, spec: RunSpec, upload: bytes | None) -> tuple[SQLiteRunStore, list[RunRecord]]:
    """Two runs (bottleneck 2 and 8) of `spec` for a new session that uploaded `upload`, on the settings' backend."""
    store = SQLiteRunStore(settings)
    token = store.create_session()
    if upload is not None:
        digest = save_upload(settings.data_dir, token, upload)
        spec = dataclasses.replace(spec, data=dataclasses.replace(spec.data, csv_digest=digest))
    pool = WorkerPool(settings, store, 0 if settings.ray_address else 2)
    try:
        sweep = start_sweep(store, settings, token, SweepPlan.from_text(spec, {"latent_size": "2, 8"}, seeds=1))
        return store, wait_for_sweep(store, token, sweep.id, timeout_seconds=400)
    finally:
        pool.close()


@pytest.mark.parametrize(("dataset", "length"), [("digits", 64), ("ecg200", 96), ("csv", 140)])
def test_ray_runs_on_another_dataset_equal_the_local_ones(tmp_path: Path, dataset: str, length: int) -> None:
    address = ray_address()
    upload = ecg_csv() if dataset == "csv" else None
    spec = on(dataset, length, csv_digest=csv_digest(upload)) if upload else on(dataset, length)
    ray_store, ray_runs = sweep_on(RunSettings(data_dir=tmp_path / "ray", workers=2, ray_address=address), spec, upload)
    local_store, local_runs = sweep_on(RunSettings(data_dir=tmp_path / "local", workers=2), spec, upload)
    assert [r.status for r in ray_runs] == ["finished", "finished"], [r.message for r in ray_runs]
    for ray_run, local_run in zip(ray_runs, local_runs):
        assert ray_run.spec.data.dataset == dataset and ray_run.spec.model.input_length == length
        ray_losses = [(e.train_loss, e.val_loss) for e in ray_store.epochs(ray_run.id)]
        local_losses = [(e.train_loss, e.val_loss) for e in local_store.epochs(local_run.id)]
        np.testing.assert_allclose(ray_losses, local_losses, rtol=0, atol=1e-6)
        assert ray_run.metrics["auc"] == pytest.approx(local_run.metrics["auc"], abs=1e-6)
