"""Command line: `python -m anomaly_core train|score|export|serve|runs|sweep`. Bad input: one line on stderr, exit 2."""

from __future__ import annotations

import argparse
import dataclasses
import math
import socket
import sys
from pathlib import Path
from typing import NoReturn

import numpy as np

from .config import BEAT_LENGTH, DATASETS, DataConfig, ModelConfig, TrainConfig, config_from_dict, config_to_dict
from .config_file import ConfigFileError, configs_from_json
from .cost import RunSizes, check_run_cost
from .csv_dataset import csv_digest
from .datasets import dataset_split, describe_dataset, fit_batch_to_rows, fit_model_to_length
from .metrics import flag_anomalies, summarize_if_labelled, verdict
from .model import build_model
from .output_paths import check_output_file, write_text_creating_folders
from .persistence import load_model, model_file_path, save_model, trained_info
from .runs.cli import add_runs_parser, run_runs
from .runs.records import RunSpec, StoreError
from .scoring import anomaly_scores
from .signals import read_signals_csv
from .sweeps.cli import add_sweep_parser, run_sweep
from .train import Trainer, TrainingDiverged, configure_threads


class UsageError(Exception):
    """Bad arguments or files: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m anomaly_core", description="Train and score anomaly-detecting autoencoders.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = commands.add_parser("train", help="train a model on a dataset (default ECG5000) and save it")
    train.add_argument("--config", type=Path, help='JSON file: {"model": {...}, "train": {...}, "data": {...}}')
    named = [name for name in DATASETS if name != "csv"]
    train.add_argument("--dataset", choices=named, help="the dataset to train on (default: the config's, else ecg5000)")
    train.add_argument("--data-csv", type=Path, help="train on your own CSV: one row per sample, optional label column")
    train.add_argument("--out", type=Path, default=Path("model"), help="folder or .safetensors file to write")
    train.add_argument("--epochs", type=int, help="override the config's number of epochs")
    train.add_argument("--seed", type=int, help="seed for the split, the weights and training")
    train.add_argument("--quiet", action="store_true", help="print only the final summary")
    train.add_argument("--allow-long", action="store_true", help="train even when the estimate is over 5 minutes")
    score = commands.add_parser("score", help="score the beats of a CSV file with a saved model")
    score.add_argument("--model", type=Path, required=True, help="model folder or .safetensors file")
    score.add_argument("--csv", type=Path, required=True, help="one beat per row (the model's input length), optional labels")
    score.add_argument("--threshold", type=float, help="override the model's saved threshold")
    score.add_argument("--out", type=Path, help="write scores and verdicts to this CSV instead of printing")
    _add_export_and_serve(commands)
    add_runs_parser(commands)
    add_sweep_parser(commands)
    return parser


def _read_configs(path: Path | None) -> tuple[ModelConfig, TrainConfig, DataConfig]:
    if path is None:
        return ModelConfig(), TrainConfig(), DataConfig()
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    try:
        return configs_from_json(raw, what=str(path))
    except ConfigFileError as error:
        raise UsageError(f"--config: {error}") from None


def _with_overrides(args: argparse.Namespace) -> tuple[ModelConfig, TrainConfig, DataConfig]:
    model_cfg, train_cfg, data_cfg = _read_configs(args.config)
    if args.epochs is not None:
        train_cfg = config_from_dict(TrainConfig, {**config_to_dict(train_cfg), "epochs": args.epochs})
    if args.seed is not None:
        train_cfg = config_from_dict(TrainConfig, {**config_to_dict(train_cfg), "seed": args.seed})
        data_cfg = config_from_dict(DataConfig, {**config_to_dict(data_cfg), "seed": args.seed})
    return model_cfg, train_cfg, data_cfg


def run_train(args: argparse.Namespace) -> int:
    """Check settings and the output path, train, print progress and the summary, save the model."""
    model_cfg, train_cfg, data_cfg = _with_overrides(args)
    target = model_file_path(args.out)
    created = check_output_file(target, "--out")  # before training: a bad path never loses a finished model
    model_cfg, data_cfg, upload = _for_dataset(args, model_cfg, data_cfg)
    split = dataset_split(data_cfg, upload)
    train_cfg = _batch_that_fits(train_cfg, len(split.x_train))
    check = check_run_cost(model_cfg, train_cfg, RunSizes.of(split))
    if check.refused is not None:
        raise UsageError(check.refused)
    if check.confirm is not None and not args.allow_long:
        raise UsageError(f"{check.confirm} Or pass --allow-long to train it anyway.")
    trainer = Trainer(build_model(model_cfg, train_cfg.seed), split, train_cfg)
    if trainer.device_notice:
        print(trainer.device_notice, file=sys.stderr)
    diverged = _fit(trainer, args.quiet)
    if diverged is not None and trainer.epoch == 0:
        raise UsageError(f"{diverged} Nothing was saved.")
    summary = summarize_if_labelled(split.y_test, trainer.test_scores())
    save_model(target, trainer.model, split.scaler, trained_info(trainer, split))
    results = (
        f"test AUC {summary.auc:.4f}  AP {summary.average_precision:.4f}  best F1 {summary.best_f1:.4f} "
        f"(precision {summary.precision_at_best_f1:.3f}, recall {summary.recall_at_best_f1:.3f})"
    )
    if math.isnan(summary.auc):
        results = "no test metrics: the data has no labels (add a label column to measure the model)"
    print(f"{results}  saved {target}{_created(created)}")
    if diverged is not None:
        raise UsageError(f"{diverged} They were saved to {target}.")
    return 0


def _for_dataset(
    args: argparse.Namespace, model_cfg: ModelConfig, data_cfg: DataConfig
) -> tuple[ModelConfig, DataConfig, bytes | None]:
    """The dataset the arguments choose, and the model's input length set to its rows' (a different one given: error)."""
    upload = None
    if args.data_csv is not None:
        try:
            upload = args.data_csv.read_bytes()
        except OSError as error:
            raise UsageError(f"cannot read {args.data_csv}: {error.strerror}") from None
        data_cfg = dataclasses.replace(data_cfg, dataset="csv", csv_digest=csv_digest(upload))
    elif args.dataset is not None:
        data_cfg = dataclasses.replace(data_cfg, dataset=args.dataset)
    try:
        dataset = describe_dataset(data_cfg, upload)
    except ValueError as error:
        raise UsageError(f"{args.data_csv or 'data'}: {error}") from None
    length = dataset.input_length
    if model_cfg.input_length not in (length, BEAT_LENGTH):
        raise UsageError(f"model.input_length: the rows of {dataset.title} have {length} values; set it to that or leave it out")
    return fit_model_to_length(model_cfg, length), data_cfg, upload


def _batch_that_fits(train_cfg: TrainConfig, rows: int) -> TrainConfig:
    """The default batch, when larger than the training rows, shrinks to fit (said on stderr)."""
    fitted = fit_batch_to_rows(train_cfg, rows, only_default=True)
    if fitted != train_cfg:
        print(f"batch_size {train_cfg.batch_size} → {fitted.batch_size}: the data has {rows} training rows", file=sys.stderr)
    return fitted


def _fit(trainer: Trainer, quiet: bool) -> TrainingDiverged | None:
    """Run every epoch, printing progress; the divergence that stopped training early, if any."""
    try:
        for event in trainer.fit():
            if not quiet:
                print(f"epoch {event.epoch:4d}  train {event.train_loss:.5f}  val {event.val_loss:.5f}  {event.seconds:6.2f}s")
    except TrainingDiverged as error:
        return error
    return None


def _created(folders: list[Path]) -> str:
    return f" (created folder {folders[-1]})" if folders else ""


def run_score(args: argparse.Namespace) -> int:
    """Score each beat of a CSV file and print or write score and verdict."""
    created = check_output_file(args.out, "--out") if args.out else []
    saved = load_model(args.model)
    try:
        table = read_signals_csv(args.csv.read_bytes(), saved.config.input_length, _classes_of(saved.info.data))
    except OSError as error:
        raise UsageError(f"cannot read {args.csv}: {error.strerror}") from None
    threshold = args.threshold if args.threshold is not None else saved.info.threshold
    if threshold is None:
        raise UsageError("the model has no saved threshold; pass --threshold")
    if not math.isfinite(threshold):
        raise UsageError(f"--threshold: give a finite number, got {threshold}")
    scores = anomaly_scores(saved.model, saved.scaler.transform(table.signals), saved.info.score_error)
    overflowing = np.flatnonzero(~np.isfinite(scores))
    if overflowing.size:
        first = overflowing[0] + 1
        raise UsageError(f"the model's scores overflow on {overflowing.size} row(s), first row {first}; use another model")
    lines = ["row,score,verdict" + (",class" if table.classes is not None else "")]
    for row, score in enumerate(scores, start=1):
        called = verdict(score, threshold).lower()
        label = f",{table.classes[row - 1]}" if table.classes is not None else ""
        lines.append(f"{row},{score:.6g},{called}{label}")
    text = "\n".join(lines) + "\n"
    if args.out:
        write_text_creating_folders(args.out, text)
        flagged = int(np.sum(flag_anomalies(scores, threshold)))
        wrote = f"wrote {args.out}{_created(created)}"
        print(f"{len(scores)} beats scored, {flagged} anomalies at threshold {threshold:.6g}; {wrote}")
    else:
        sys.stdout.write(text)
    return 0


def _classes_of(data_cfg: DataConfig) -> tuple[int, ...] | None:
    """The class labels a CSV for this model may carry (None: any whole number, for a learner's CSV)."""
    if data_cfg.dataset == "csv":
        return None
    return tuple(sorted(describe_dataset(data_cfg).class_names))


# --- export and serve -------------------------------------------------------------------------------


def _add_export_and_serve(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write a saved model as ONNX: raw beats in, anomaly scores out")
    export.add_argument("--model", type=Path, required=True, help="model folder or .safetensors file")
    export.add_argument("--onnx", type=Path, required=True, help="the .onnx file to write")
    serve = commands.add_parser("serve", help="score beats over HTTP: POST /score, GET /health, GET /model, /docs")
    serve.add_argument("--model", type=Path, required=True, help="model folder or .safetensors file")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--engine", choices=("onnx", "torch"), default="onnx", help="onnx (default, faster) or torch")


def run_export(args: argparse.Namespace) -> int:
    """Write the model as one ONNX file whose graph includes the scaler and the score."""
    from .export import export_onnx

    if args.onnx.suffix != ".onnx":
        raise UsageError(f"--onnx: give a file name ending in .onnx, got {args.onnx}")
    check_output_file(args.onnx, "--onnx")
    saved = load_model(args.model)
    target = export_onnx(saved, args.onnx)
    print(f"wrote {target} ({saved.config.family}, {saved.config.input_length} values per beat, dynamic batch)")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Serve the model with uvicorn until interrupted."""
    import torch
    import uvicorn

    from .serve import create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port: choose 1 to 65535, got {args.port}")
    _check_can_listen(args.host, args.port)
    torch.set_num_threads(1)  # one small model per request: a single thread is fastest and leaves cores to the server
    app = create_app(load_model(args.model), engine=args.engine)
    print(f"serving {args.model} with {args.engine} on http://{args.host}:{args.port} (docs at /docs)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _check_can_listen(host: str, port: int) -> None:
    """UsageError when the address is unknown or the port is taken (checked before loading anything)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.bind(infos[0][4])
    except OSError as error:
        raise UsageError(f"--host/--port: cannot listen on {host}:{port} ({error.strerror or error}); choose another") from None


def run_sweep_command(args: argparse.Namespace) -> int:
    """Train a grid of settings × seeds (see anomaly_core.sweeps.cli)."""
    return run_sweep(args, RunSpec(*_read_configs(args.config)))


_COMMANDS = {
    "train": run_train, "score": run_score, "export": run_export, "serve": run_serve, "runs": run_runs,
    "sweep": run_sweep_command,
}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    configure_threads()
    try:
        args = _parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except (UsageError, ValueError, StoreError) as error:  # ModelFileError, OutputPathError and JsonInputError too
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. the disk filled up while writing
        print(f"error: {error.strerror or error}: {error.filename or ''}; nothing else was changed", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
