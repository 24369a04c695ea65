"""`python -m anomaly_core runs list|show|export`: read the app's run store from the command line (an admin's view)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..config import config_to_dict
from ..datasets import dataset_split
from ..output_paths import check_output_file
from ..persistence import ModelInfo, model_file_path, save_model
from ..uploads import upload_of
from .checkpoint import model_from_checkpoint
from .records import RunRecord, StoreError, checked_run_id, checked_token
from .settings import DATA_DIR_ENV, RunSettings
from .store import RunStore, open_store


def add_runs_parser(commands: argparse._SubParsersAction) -> None:
    """The `runs` command and its three subcommands."""
    runs = commands.add_parser("runs", help="list, show or export the runs the app keeps (in ANOMALY_LAB_DATA_DIR)")
    verbs = runs.add_subparsers(dest="runs_command", required=True, parser_class=type(runs))
    listing = verbs.add_parser("list", help="one line per run, oldest first")
    listing.add_argument("--session", help="only the runs of this session token")
    show = verbs.add_parser("show", help="a run's settings, outcome, metrics and epochs")
    show.add_argument("run_id")
    export = verbs.add_parser("export", help="write a run's model as a .safetensors model file (score, serve, export)")
    export.add_argument("run_id")
    export.add_argument("--out", type=Path, required=True, help="folder or .safetensors file to write")


def _line(run: RunRecord) -> str:
    auc = f"{run.metrics['auc']:.4f}" if "auc" in run.metrics else "-"
    return f"{run.id:12}  {run.session[:6]}…  {run.status:11}  {run.spec.model.family:5}  {run.epochs:5}  {auc:6}  {run.name}"


def _find(store: RunStore, run_id: str) -> RunRecord:
    checked_run_id(run_id)
    for run in store.all_runs():
        if run.id == run_id:
            return run
    raise ValueError(f"no run {run_id[:20]!r} in the run store (`runs list` shows the ids)")


def _export(store: RunStore, run: RunRecord, out: Path, data_dir: Path) -> Path:
    data = store.checkpoint(run.id)
    if data is None or not run.usable:
        raise ValueError(f"run {run.id} has no trained weights yet (status {run.status}, {run.epochs} epochs)")
    split = dataset_split(run.spec.data, upload_of(data_dir, run.session, run.spec.data))
    metrics = run.metrics
    info = ModelInfo(
        score_error=run.spec.train.loss, data=run.spec.data, train=run.spec.train, epochs=run.epochs,
        train_seconds=run.train_seconds, threshold=metrics.get("threshold"), auc=metrics.get("auc"),
        average_precision=metrics.get("average_precision"), best_f1_threshold=metrics.get("best_f1_threshold"),
    )  # fmt: skip
    return save_model(out, model_from_checkpoint(run.spec, data, split.scaler), split.scaler, info)


def _open_existing(settings: RunSettings) -> RunStore:
    """The app's run store; StoreError instead of creating an empty one where the data folder was mistyped."""
    if not settings.database_url:
        folder = settings.data_dir
        if not (folder / "runs.sqlite3").is_file():
            why = "does not exist" if not folder.exists() else "holds no runs.sqlite3" if folder.is_dir() else "is not a folder"
            raise StoreError(f"no run store at {folder}: it {why}; set {DATA_DIR_ENV} to the app's data folder")
    return open_store(settings)


def run_runs(args: argparse.Namespace) -> int:
    """List, show or export runs; a bad id, a missing run or an unreadable store is one line and exit code 2."""
    if args.runs_command == "export":
        check_output_file(model_file_path(args.out), "--out")  # before anything is read
    session = checked_token(args.session) if getattr(args, "session", None) is not None else None
    settings = RunSettings.from_env()
    store = _open_existing(settings)
    if args.runs_command == "list":
        print(f"{'id':12}  session  {'status':11}  family  epochs  AUC     name")
        for run in store.all_runs():
            if session is None or run.session == session:
                print(_line(run))
    elif args.runs_command == "show":
        run = _find(store, args.run_id)
        spec = {
            "model": config_to_dict(run.spec.model),
            "train": config_to_dict(run.spec.train),
            "data": config_to_dict(run.spec.data),
        }
        fields = ("id", "name", "status", "message", "epochs", "device", "train_seconds", "metrics")
        print(json.dumps({name: getattr(run, name) for name in fields} | {"settings": spec}, indent=2))
    else:
        target = _export(store, _find(store, args.run_id), args.out, settings.data_dir)
        print(f"wrote {target}")
    return 0
