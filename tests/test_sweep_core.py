"""Sweep plans, their results table, real sweeps trained by the worker pool on ECG5000, and the sweep CLI."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from anomaly_core import DataConfig, ModelConfig, TrainConfig
from anomaly_core.cost import RunSizes, RunTooCostly
from anomaly_core.runs import RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.pool import WorkerPool
from anomaly_core.sweeps import READY_SWEEPS, SweepPlan, summarize_by, sweep_rows
from anomaly_core.sweeps.results import table_csv
from anomaly_core.sweeps.service import check_costs, start_sweep, wait_for_sweep

ROOT = Path(__file__).resolve().parents[1]
BASE = RunSpec(ModelConfig(encoder_hidden=(32,), latent_size=8), TrainConfig(epochs=10, device="cpu"), DataConfig())


def test_a_plan_makes_every_combination_with_seeds() -> None:
    plan = SweepPlan.from_text(BASE, {"latent_size": "2, 4, 4", "encoder_hidden": "64x32, 16"}, seeds=3)
    runs = plan.runs()
    assert plan.size == len(runs) == 2 * 2 * 3
    assert {(s.model.latent_size, s.model.encoder_hidden, s.train.seed) for _, s in runs} == {
        (latent, hidden, seed) for latent in (2, 4) for hidden in ((64, 32), (16,)) for seed in (0, 1, 2)
    }
    assert all(s.data == BASE.data for _, s in runs)  # every seed is scored on the same test beats
    assert SweepPlan.from_json(plan.to_json()) == plan


@pytest.mark.parametrize(
    ("grid", "seeds", "message"),
    [
        ({"latent_size": ""}, 1, "at least one value"),
        ({"latent_size": "two"}, 1, "not a valid value"),
        ({"latent_size": ",".join(map(str, range(1, 21))), "dropout": "0,0.1,0.2,0.3,0.4,0.5"}, 2, "at most 200"),
        ({"latent_size": "4"}, 6, "seeds"),
        ({"colour": "red"}, 1, "cannot be swept"),
    ],
)
def test_bad_plans_say_what_is_wrong(grid: dict[str, str], seeds: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SweepPlan.from_text(BASE, grid, seeds)


def test_a_value_the_family_refuses_names_the_setting() -> None:
    plan = SweepPlan.from_text(RunSpec(ModelConfig(family="lstm"), BASE.train, BASE.data), {"score_smoothing": "4"}, 1)
    with pytest.raises(ValueError, match="Score smoothing = 4 cannot be used"):
        plan.runs()


@pytest.mark.parametrize(("family", "grid"), [("conv", {"encoder_hidden": "16, 64x32"}), ("lstm", {"dropout": "0, 0.2"})])
def test_a_setting_the_family_does_not_use_is_refused(family: str, grid: dict[str, str]) -> None:
    plan = SweepPlan.from_text(RunSpec(ModelConfig(family=family), BASE.train, BASE.data), grid, 1)
    with pytest.raises(ValueError, match=f"has no effect on the {family} family \\(only dense and vae use it\\)"):
        plan.runs()
    mixed = SweepPlan.from_text(BASE, {"family": "dense, conv", "dropout": "0, 0.2"}, 1)
    with pytest.raises(ValueError, match="Dropout has no effect on the conv family"):
        mixed.runs()
    assert len(SweepPlan.from_text(BASE, {"family": "dense, vae", "dropout": "0, 0.2"}, 1).runs()) == 4


def test_the_estimate_spreads_runs_over_workers() -> None:
    plan = SweepPlan.from_text(BASE, {"latent_size": "1, 2, 4, 8"}, seeds=1)
    one, two = plan.estimate_seconds(0.05, workers=1), plan.estimate_seconds(0.05, workers=2)
    assert one == pytest.approx(2 * two) and one > 4 * 10 * 0.05


def test_contamination_lesson_sweep_auc_falls_as_contamination_rises(tmp_path: Path) -> None:
    """The ready-made lesson on real ECG5000 through the real worker pool (1 seed, 10 epochs to keep it short)."""
    settings = RunSettings(data_dir=tmp_path, workers=2)
    store = SQLiteRunStore(settings)
    token = store.create_session()
    plan = SweepPlan(BASE, READY_SWEEPS["contamination"].plan(BASE).grid, seeds=1)
    pool = WorkerPool(settings, store, settings.workers)
    try:
        sweep = start_sweep(store, settings, token, plan)
        runs = wait_for_sweep(store, token, sweep.id, timeout_seconds=300)
    finally:
        pool.close()
    rows = sweep_rows(plan, runs)
    assert [r.status for r in rows] == ["finished"] * 4
    means = [s.mean for s in summarize_by(plan, rows, "auc")]
    assert means[0] > 0.9 and means[0] > means[1] > means[3] and means[2] > means[3]
    lines = list(csv.DictReader(io.StringIO(table_csv(plan, rows))))
    assert [line["abnormal_fraction"] for line in lines] == ["0 %", "10 %", "30 %", "50 %"]
    assert np.allclose([float(line["auc"]) for line in lines], [r.metrics["auc"] for r in rows], atol=1e-4)


def test_the_cli_sweep_prints_the_table_and_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    command = [sys.executable, "-m", "anomaly_core", "sweep", "--param", "latent_size=2,8", "--seeds", "2", "--epochs", "3",
               "--workers", "2", "--out", str(out)]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "4/4 runs" in result.stderr and result.stdout.splitlines()[0].split()[:3] == ["latent_size", "seed", "status"]
    lines = list(csv.DictReader(out.open()))
    assert [(line["latent_size"], line["seed"], line["status"]) for line in lines] == [
        ("2", "0", "finished"), ("2", "1", "finished"), ("8", "0", "finished"), ("8", "1", "finished")
    ]  # fmt: skip
    assert all(0.5 < float(line["auc"]) <= 1 for line in lines)


def test_the_cli_sweeps_another_dataset_with_the_models_input_length_from_its_rows(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    command = [sys.executable, "-m", "anomaly_core", "sweep", "--dataset", "ecg200", "--param", "latent_size=2,8",
               "--epochs", "20", "--workers", "2", "--out", str(out), "--quiet"]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = list(csv.DictReader(out.open()))
    assert [line["status"] for line in lines] == ["finished", "finished"]
    assert all(0.7 < float(line["auc"]) <= 1 for line in lines)  # ECG200's 96-value beats, not ECG5000's 140


def test_the_cli_sweep_refuses_a_csv_dataset_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "base.json"
    config.write_text('{"data": {"dataset": "csv", "csv_digest": "%s"}}' % ("ab" * 32))
    command = [sys.executable, "-m", "anomaly_core", "sweep", "--config", str(config), "--param", "latent_size=2,4"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "use the Sweep page for your CSV" in result.stderr


def test_a_sweep_with_a_run_over_the_cost_limits_is_refused_before_it_starts(default_split) -> None:
    heavy = RunSpec(ModelConfig(family="lstm", lstm_hidden=256, lstm_layers=3, lstm_chunk=1), BASE.train, BASE.data)
    sizes = RunSizes.of(default_split)
    with pytest.raises(RunTooCostly, match=r"Bottleneck size 2 .*is too costly for a sweep: One batch would take"):
        check_costs(SweepPlan.from_text(heavy, {"latent_size": "2, 4"}, 1), lambda data: sizes)
    check_costs(SweepPlan.from_text(BASE, {"latent_size": "2, 4"}, 2), lambda data: sizes)  # the usual sweep fits


def test_the_cli_refuses_a_too_costly_sweep_before_training(tmp_path: Path) -> None:
    config = tmp_path / "heavy.json"
    config.write_text('{"model": {"family": "lstm", "lstm_hidden": 256, "lstm_layers": 3, "lstm_chunk": 1}}')
    options = ["--config", str(config), "--param", "latent_size=2,4", "--out", str(tmp_path / "sweep.csv")]
    result = subprocess.run([sys.executable, "-m", "anomaly_core", "sweep", *options], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "too costly for a sweep" in result.stderr
    assert not (tmp_path / "sweep.csv").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--param", "latent_size=0"], "Bottleneck size = 0 cannot be used"),
        (["--param", "latent_size=2,4", "--seeds", "0"], "seeds: choose 1 to 5, got 0"),
        (["--param", "latent_size=2,4", "--epochs", "0"], "epochs: must be a whole number 1 to 2000"),
        (["--param", "latent_size=2,4", "--workers", "0"], "--workers: choose 1 to 64"),
        (["--param", "latent_size=2", "--param", "latent_size=4"], "--param latent_size is given twice"),
        (["--param", "latent_size=2,4,8,16", "--seeds", "2"], "at most 6 sweep runs at a time (ANOMALY_LAB_SWEEP_RUNS_"),
        (["--param", "latent_size=2", "--out", "/proc/sweep.csv"], "--out: cannot write in /proc"),
        (["--param", "latent_size=2", "--dataset", "mnist"], "--dataset: invalid choice: 'mnist'"),
    ],
)
def test_the_cli_refuses_a_bad_sweep_in_one_line(options: list[str], message: str) -> None:
    result = subprocess.run([sys.executable, "-m", "anomaly_core", "sweep", *options], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, env={**os.environ, "ANOMALY_LAB_SWEEP_RUNS_PER_SESSION": "6"})  # fmt: skip
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_sweep_and_ray_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in (("ANOMALY_LAB_DATA_DIR", str(tmp_path)), ("ANOMALY_LAB_RAY_ADDRESS", " 10.0.0.5:6379 "),
                        ("ANOMALY_LAB_RAY_CPUS_PER_RUN", "0.5"), ("ANOMALY_LAB_RAY_GPUS_PER_RUN", "0.0"),
                        ("ANOMALY_LAB_SWEEP_RUNS_PER_SESSION", "24")):  # fmt: skip
        monkeypatch.setenv(name, value)
    settings = RunSettings.from_env()
    assert (settings.ray_address, settings.ray_cpus_per_run, settings.ray_gpus_per_run) == ("10.0.0.5:6379", 0.5, 0.0)
    assert settings.sweep_runs_per_session == 24 and RunSettings.from_json(settings.to_json()) == settings
    for name, value, message in (("ANOMALY_LAB_RAY_GPUS_PER_RUN", "-1", "must be a number above 0"),
                                 ("ANOMALY_LAB_RAY_CPUS_PER_RUN", "inf", "must be a number above 0"),
                                 ("ANOMALY_LAB_SWEEP_RUNS_PER_SESSION", "many", "must be a number, got 'many'")):  # fmt: skip
        with monkeypatch.context() as patched:
            patched.setenv(name, value)
            with pytest.raises(ValueError, match=f"{name} {message}"):
                RunSettings.from_env()
