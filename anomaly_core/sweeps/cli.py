"""`python -m anomaly_core sweep`: train a grid of settings × seeds with the app's own workers (or its Ray
cluster), show a progress bar on stderr, print the table and write it as CSV."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from ..config import BEAT_LENGTH, DATASETS
from ..cost import RunSizes
from ..datasets import dataset_split, describe_dataset, fit_batch_to_rows, fit_model_to_length
from ..output_paths import check_output_file, write_text_creating_folders
from ..runs.pool import WorkerPool
from ..runs.records import RunSpec
from ..runs.settings import RunSettings
from ..runs.split_cache import SplitCache
from ..runs.store import RunStore, open_store
from .plan import MAX_SEEDS, SweepPlan
from .results import SweepRow, progress, sweep_rows, table, table_csv
from .service import backend_of, check_costs, start_sweep, sweep_settled

BAR_WIDTH = 30
MAX_WORKERS = 64  # local training processes one sweep may start


def add_sweep_parser(commands: argparse._SubParsersAction) -> None:
    """The `sweep` subcommand's options."""
    sweep = commands.add_parser("sweep", help="train every combination of one or two settings × seeds, print the table")
    sweep.add_argument("--config", type=Path, help='base settings, JSON: {"model": {...}, "train": {...}, "data": {...}}')
    sweep.add_argument("--param", action="append", required=True, metavar="NAME=V1,V2,…",
                       help="a setting and its values, e.g. latent_size=1,2,4,8,16 (give one or two)")  # fmt: skip
    sweep.add_argument("--seeds", type=int, default=1, help=f"runs per combination, 1 to {MAX_SEEDS} (default 1)")
    sweep.add_argument("--dataset", choices=[n for n in DATASETS if n != "csv"], help="override the base settings' dataset")
    sweep.add_argument("--epochs", type=int, help="override the base settings' epochs")
    sweep.add_argument("--workers", type=int, help="local training processes (default: one per CPU core)")
    sweep.add_argument("--out", type=Path, help="write the table to this CSV file")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")


def plan_from_args(args: argparse.Namespace, base: RunSpec) -> SweepPlan:
    """The plan the options describe; ValueError says which option is wrong."""
    grid: dict[str, str] = {}
    for item in args.param:
        key, sep, values = item.partition("=")
        if not sep:
            raise ValueError(f"--param {item!r}: write NAME=V1,V2,… (e.g. latent_size=1,2,4)")
        if key.strip() in grid:
            raise ValueError(f"--param {key.strip()} is given twice: put all its values in one --param")
        grid[key.strip()] = values
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        raise ValueError(f"--workers: choose 1 to {MAX_WORKERS} training processes, got {args.workers}")
    if args.epochs is not None:
        base = dataclasses.replace(base, train=dataclasses.replace(base.train, epochs=args.epochs))
    return SweepPlan.from_text(on_dataset(base, args.dataset), grid, args.seeds)


def on_dataset(base: RunSpec, name: str | None) -> RunSpec:
    """The base settings on the chosen dataset (default: the config's), the model's input length set to its rows'."""
    data = base.data if name is None else dataclasses.replace(base.data, dataset=name)
    if data.dataset == "csv":
        raise ValueError("a sweep from the command line trains on a built-in dataset; use the Sweep page for your CSV")
    length = describe_dataset(data).input_length
    if base.model.input_length not in (length, BEAT_LENGTH):
        raise ValueError(f"model.input_length: the rows of {data.dataset} have {length} values; set it to that or leave it out")
    train = fit_batch_to_rows(base.train, len(dataset_split(data).x_train), only_default=True)  # ECG200's 96 beats: 64
    return dataclasses.replace(base, model=fit_model_to_length(base.model, length), train=train, data=data)


def _bar(done: int, total: int, left: int | None) -> str:
    filled = round(BAR_WIDTH * done / max(1, total))
    eta = f", about {left} s left" if left is not None and done < total else ""
    return f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} runs{eta}   "


def _follow(store: RunStore, token: str, sweep_id: str, plan: SweepPlan, quiet: bool) -> list[SweepRow]:
    started, shown = time.monotonic(), ""
    while True:
        runs = store.sweep_runs(token, sweep_id)
        rows = sweep_rows(plan, runs)
        done, left = progress(rows, time.monotonic() - started)
        bar = _bar(done, len(rows), None if left is None else round(left))
        if not quiet and bar != shown:
            print(bar, end="", file=sys.stderr, flush=True)
            shown = bar
        if sweep_settled(runs):
            if not quiet:
                print(file=sys.stderr)
            return rows
        time.sleep(0.2)


def _print_table(plan: SweepPlan, rows: list[SweepRow]) -> None:
    header, body = table(plan, rows)
    lines = [header[:-1]] + [["" if v is None else str(v) for v in line[:-1]] for line in body]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    for line in lines:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths)).rstrip())


def run_sweep(args: argparse.Namespace, base: RunSpec) -> int:
    """Train the sweep in a throwaway run store with its own workers (or the configured Ray cluster)."""
    plan = plan_from_args(args, base)
    splits = SplitCache()  # each data config split once (a sweep's runs mostly share one)
    check_costs(plan, lambda cfg: RunSizes.of(splits.split(cfg, lambda: None)))  # the Train page's cost limits
    if args.out:
        check_output_file(args.out, "--out")  # before training: a bad path never loses a finished sweep
    with tempfile.TemporaryDirectory(prefix="anomaly-lab-sweep-") as folder:
        settings = dataclasses.replace(RunSettings.from_env(), data_dir=Path(folder), database_url=None)  # its own store
        workers = args.workers or settings.workers
        store = open_store(settings)
        token = store.create_session()
        sweep = start_sweep(store, settings, token, plan)
        print(f"{plan.size} runs on {workers} local workers" if backend_of(settings) == "local"
              else f"{plan.size} runs on the Ray cluster at {settings.ray_address}", file=sys.stderr)  # fmt: skip
        pool = WorkerPool(settings, store, workers if backend_of(settings) == "local" else 0)
        try:
            rows = _follow(store, token, sweep.id, plan, args.quiet)
        except KeyboardInterrupt:
            store.stop_sweep(token, sweep.id)
            rows = _follow(store, token, sweep.id, plan, quiet=True)
        finally:
            pool.close()
    _print_table(plan, rows)
    if args.out:
        write_text_creating_folders(args.out, table_csv(plan, rows))
        print(f"wrote {args.out}", file=sys.stderr)
    return 0
