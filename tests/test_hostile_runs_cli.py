"""Hostile `python -m anomaly_core runs list|show|export`: bad ids, other sessions' and deleted runs, bad output paths,
damaged or foreign databases and missing data folders. Each ends in one line on stderr and exit code 2, and the
store keeps every run, epoch and checkpoint it had."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from anomaly_core import DataConfig, EcgSplit, ModelConfig, TrainConfig
from anomaly_core.__main__ import main
from anomaly_core.runs import RunSettings, RunSpec, SQLiteRunStore
from anomaly_core.runs.worker import train_run

SPEC = RunSpec(ModelConfig(encoder_hidden=(16,), latent_size=4), TrainConfig(epochs=2, device="cpu"), DataConfig(seed=0))
UNWRITABLE = Path("/proc/anomaly-lab-cannot-write-here")


class Lab:
    """A data folder with two sessions: A's finished run, B's finished run, A's queued run and a deleted run."""

    def __init__(self, folder: Path, split: EcgSplit) -> None:
        self.folder = folder
        self.store = SQLiteRunStore(RunSettings(data_dir=folder, workers=1))
        self.token_a, self.token_b = self.store.create_session(), self.store.create_session()
        self.run_a = self._trained(self.token_a, "A's run", split)
        self.run_b = self._trained(self.token_b, "B's run", split)
        deleted = self._trained(self.token_a, "deleted", split)
        self.store.delete_run(self.token_a, deleted)
        self.deleted = deleted
        self.queued = self.store.create_run(self.token_a, "queued", SPEC, 2).id

    def _trained(self, token: str, name: str, split: EcgSplit) -> str:
        run = self.store.create_run(token, name, SPEC, 2)
        claimed = self.store.claim_next("host:1")
        assert claimed is not None and claimed.id == run.id
        train_run(self.store, claimed, lambda cfg: split)
        return run.id

    def contents(self) -> tuple:
        """Every run, its epochs and its checkpoint: what must survive any command."""
        runs = sorted(self.store.all_runs(), key=lambda r: r.id)
        return tuple((r.id, r.session, r.name, r.status, r.epochs, len(self.store.epochs(r.id)), self.store.checkpoint(r.id))
                     for r in runs)  # fmt: skip


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, default_split: EcgSplit) -> Lab:
    return Lab(tmp_path_factory.mktemp("lab"), default_split)


@pytest.fixture
def in_lab(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> Lab:
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(lab.folder))
    return lab


def one_line_exit_2(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["runs", *args])
    captured = capsys.readouterr()
    assert code == 2 and captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    assert captured.err.startswith("error: ") and len(captured.err) > 25
    return captured.err


BAD_IDS = {
    "empty": "",
    "short": "abc",
    "a path": "../../etc/passwd",
    "very long": "a" * 500,
    "SQL": "x'; DROP TABLE runs; --",
    "not UTF-8 (a surrogate from argv)": "\udcff\udcfe" * 6,
    "non-ASCII": "é" * 12,
    "a newline": "abcdefghijk\n",
    "well formed, unknown": "AAAAAAAAAAAA",
}


@pytest.mark.parametrize("name", sorted(BAD_IDS))
@pytest.mark.parametrize("verb", ["show", "export"])
def test_bad_run_ids(in_lab: Lab, capsys, tmp_path: Path, verb: str, name: str) -> None:
    before = in_lab.contents()
    args = [verb, BAD_IDS[name]] + (["--out", str(tmp_path / "m.safetensors")] if verb == "export" else [])
    err = one_line_exit_2(capsys, *args)
    assert ("no run" in err) if name == "well formed, unknown" else ("is not a run id" in err)
    assert in_lab.contents() == before and not (tmp_path / "m.safetensors").exists()


@pytest.mark.parametrize("token", ["", "short", "x" * 65, "../../etc/passwd", "tok en with spaces 123", "\udcff" * 20])
def test_a_malformed_session_token(in_lab: Lab, capsys, token: str) -> None:
    assert "is not a session token" in one_line_exit_2(capsys, "list", "--session", token)


def test_a_session_lists_only_its_own_runs(in_lab: Lab, capsys) -> None:
    assert main(["runs", "list", "--session", in_lab.token_a]) == 0
    listing = capsys.readouterr().out
    assert in_lab.run_a in listing and in_lab.queued in listing and in_lab.run_b not in listing
    assert main(["runs", "list", "--session", "Z" * 32]) == 0  # a well-formed token with no runs: an empty listing
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize("which", ["deleted", "queued"])
def test_deleted_and_untrained_runs_cannot_be_shown_or_exported(in_lab: Lab, capsys, tmp_path: Path, which: str) -> None:
    run_id = in_lab.deleted if which == "deleted" else in_lab.queued
    before = in_lab.contents()
    err = one_line_exit_2(capsys, "export", run_id, "--out", str(tmp_path / "m"))
    assert ("no run" in err) if which == "deleted" else ("has no trained weights" in err)
    if which == "deleted":
        assert "no run" in one_line_exit_2(capsys, "show", run_id)
    assert in_lab.contents() == before and not (tmp_path / "m").exists()


def _outs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    return {
        "under a file": (blocker / "m.safetensors", "is a file"),
        "deep under a file": (blocker / "x" / "y" / "m.safetensors", "is a file"),
        "unwritable": (UNWRITABLE / "m.safetensors", "cannot write"),
    }


@pytest.mark.parametrize("name", ["under a file", "deep under a file", "unwritable"])
def test_bad_output_paths_are_refused_before_anything_is_read(in_lab: Lab, capsys, tmp_path: Path, name: str) -> None:
    out, expected = _outs(tmp_path)[name]
    before = in_lab.contents()
    assert expected in one_line_exit_2(capsys, "export", in_lab.run_a, "--out", str(out))
    assert in_lab.contents() == before


def test_an_export_into_a_folder_writes_the_model_inside(in_lab: Lab, capsys, tmp_path: Path) -> None:
    assert main(["runs", "export", in_lab.run_a, "--out", str(tmp_path)]) == 0
    assert (tmp_path / "model.safetensors").is_file() and "wrote" in capsys.readouterr().out


def _copy_lab(lab: Lab, target: Path) -> Path:
    """A copy of the lab's data folder (the database through SQLite's backup, so the copy is consistent)."""
    target.mkdir()
    (target / "checkpoints").mkdir()
    for checkpoint in (lab.folder / "checkpoints").iterdir():
        (target / "checkpoints" / checkpoint.name).write_bytes(checkpoint.read_bytes())
    with sqlite3.connect(lab.folder / "runs.sqlite3") as source, sqlite3.connect(target / "runs.sqlite3") as copy:
        source.backup(copy)
    return target


def _dump(folder: Path) -> list[str]:
    with sqlite3.connect(folder / "runs.sqlite3") as db:
        return list(db.iterdump())


DAMAGES = {
    "not a database": (lambda f: (f / "runs.sqlite3").write_bytes(b"\x00garbage" * 500), "cannot be opened"),
    "cut short": (lambda f: (f / "runs.sqlite3").write_bytes((f / "runs.sqlite3").read_bytes()[:1500]), "cannot be opened"),
    "from a newer app": (lambda f: _sql(f, "PRAGMA user_version = 99"), "newer Anomaly Lab"),
    "an old foreign schema": (lambda f: _replace_db(f, "CREATE TABLE runs (id TEXT)"), "cannot be opened"),
    "a damaged row": (lambda f: _sql(f, "UPDATE runs SET spec = '{' WHERE name = \"A's run\""), "is damaged"),
    "a row with a wrong type": (lambda f: _sql(f, "UPDATE runs SET spec = '[1, 2]' WHERE name = \"A's run\""), "is damaged"),
}


def _sql(folder: Path, statement: str) -> None:
    with sqlite3.connect(folder / "runs.sqlite3") as db:
        db.execute(statement)


def _replace_db(folder: Path, statement: str) -> None:
    (folder / "runs.sqlite3").unlink()
    _sql(folder, statement)


@pytest.mark.parametrize("name", sorted(DAMAGES))
@pytest.mark.parametrize("verb", ["list", "show"])
def test_damaged_or_foreign_databases(lab: Lab, capsys, tmp_path: Path, monkeypatch, name: str, verb: str) -> None:
    folder = _copy_lab(lab, tmp_path / "copy")
    damage, expected = DAMAGES[name]
    damage(folder)
    raw = (folder / "runs.sqlite3").read_bytes()
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(folder))
    readable = name not in ("not a database", "cut short")
    before = _dump(folder) if readable else None
    assert expected in one_line_exit_2(capsys, verb, *([lab.run_a] if verb == "show" else []))
    if readable:
        assert _dump(folder) == before  # nothing written, nothing lost
    else:
        assert (folder / "runs.sqlite3").read_bytes() == raw


def test_a_damaged_checkpoint_is_one_line_and_kept(lab: Lab, capsys, tmp_path: Path, monkeypatch) -> None:
    folder = _copy_lab(lab, tmp_path / "copy")
    checkpoint = folder / "checkpoints" / f"{lab.run_a}.pt"
    checkpoint.write_bytes(b"PK\x03\x04 not a checkpoint")
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(folder))
    assert "checkpoint" in one_line_exit_2(capsys, "export", lab.run_a, "--out", str(tmp_path / "m.safetensors"))
    assert checkpoint.read_bytes() == b"PK\x03\x04 not a checkpoint" and not (tmp_path / "m.safetensors").exists()


@pytest.mark.parametrize("kind", ["missing", "a file", "empty folder"])
@pytest.mark.parametrize("verb", ["list", "show"])
def test_a_missing_data_folder_is_reported_not_created(capsys, tmp_path: Path, monkeypatch, kind: str, verb: str) -> None:
    folder = tmp_path / "nowhere"
    if kind == "a file":
        folder.write_text("x")
    elif kind == "empty folder":
        folder.mkdir()
    monkeypatch.setenv("ANOMALY_LAB_DATA_DIR", str(folder))
    err = one_line_exit_2(capsys, verb, *(["AAAAAAAAAAAA"] if verb == "show" else []))
    assert "no run store at" in err and "ANOMALY_LAB_DATA_DIR" in err
    assert (folder.exists() and not folder.is_dir()) if kind == "a file" else not (folder / "runs.sqlite3").exists()
    assert kind != "missing" or not folder.exists()


@pytest.mark.parametrize(("variable", "value"), [("ANOMALY_LAB_WORKERS", "many"), ("ANOMALY_LAB_RUNS_TOTAL", "-3")])
def test_bad_settings_in_the_environment(in_lab: Lab, capsys, monkeypatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    assert variable in one_line_exit_2(capsys, "list")


@pytest.mark.parametrize("args", [[], ["show"], ["export", "x"], ["remove", "x"], ["list", "--session"]])
def test_incomplete_commands(in_lab: Lab, capsys, args: list[str]) -> None:
    one_line_exit_2(capsys, *args)
