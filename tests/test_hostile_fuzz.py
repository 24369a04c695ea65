"""Seeded random inputs (1,000 per parser): the only exception that escapes is the parser's own, with a message.

Arbitrary bytes, arbitrary JSON (deep, wide, wrong types) and arbitrary CSV text, reproducible from the seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from anomaly_core import (
    DataConfig,
    ModelConfig,
    ModelFileError,
    TrainConfig,
    config_from_dict,
    model_from_bytes,
    read_signals_csv,
)
from anomaly_core.bounded_json import MAX_JSON_DEPTH, JsonInputError, loads_bounded
from tests.model_files import with_metadata
from ui.sharing.settings_file import ShareFileError, settings_from_json

EXAMPLES = 1000
VALID_MODEL = (Path(__file__).resolve().parents[1] / "assets" / "default_model.safetensors").read_bytes()
LEAVES: list[Any] = [None, True, False, 0, -1, 1.5, 1e308, float("nan"), "", "x", "mse", "dense", 10**30, [], {}]
KEYS = ["model", "train", "data", "format", "version", "epochs", "info", "config", "scaler", "minimum", "seed", "beats"]


def random_json(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value: leaves of every type, lists and objects, sometimes far deeper than allowed."""
    roll = rng.random()
    if depth > 3 and roll < 0.6 or depth > 60:
        return rng.choice(LEAVES)
    if roll < 0.45:
        return {rng.choice(KEYS): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    if roll < 0.8:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return rng.choice(LEAVES)


def random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(rng.randint(0, 300))


def only_raises(error_type: type[Exception], parse: Callable[[Any], object], examples: list[Any]) -> int:
    """Run `parse` on each example; any other exception fails the test; returns how many were refused."""
    refused = 0
    for example in examples:
        try:
            parse(example)
        except error_type as error:
            assert str(error).strip(), f"empty message for {example!r:.80}"
            refused += 1
    return refused


def _json_texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    return [json.dumps(random_json(rng)) for _ in range(EXAMPLES)]


def test_bounded_json_on_random_bytes_and_json() -> None:
    rng = random.Random(1)
    texts = _json_texts(2)
    refused = only_raises(JsonInputError, loads_bounded, [random_bytes(rng) for _ in range(EXAMPLES)] + texts)
    assert refused > EXAMPLES // 2  # most random bytes are not JSON, and some JSON is too deep
    shallow = [t for t in texts if max(t.count("["), t.count("{")) <= MAX_JSON_DEPTH]
    assert len(shallow) > 100
    for text in shallow:
        assert json.dumps(loads_bounded(text)) == json.dumps(json.loads(text))  # valid input round-trips


def test_model_files_with_random_bytes_and_metadata() -> None:
    rng = random.Random(3)
    flipped = []
    for _ in range(EXAMPLES // 2):
        data = bytearray(VALID_MODEL)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(8, 2000)] = rng.randrange(256)
        flipped.append(bytes(data))

    def replace_section(value: Any) -> Callable[[dict, dict], None]:
        section = rng.choice(["config", "scaler", "info", "format"])
        return lambda header, meta: meta.__setitem__(section, value)

    edited = [with_metadata(VALID_MODEL, replace_section(random_json(rng))) for _ in range(EXAMPLES // 2)]
    junk = [random_bytes(rng) for _ in range(100)]
    assert only_raises(ModelFileError, model_from_bytes, flipped + edited + junk) > EXAMPLES // 2


def test_configs_from_random_json() -> None:
    rng = random.Random(4)
    values = [random_json(rng) for _ in range(EXAMPLES)]
    for cls in (ModelConfig, TrainConfig, DataConfig):
        only_raises(ValueError, lambda v, cls=cls: config_from_dict(cls, v), values)


def test_settings_files_from_random_json_and_bytes() -> None:
    rng = random.Random(5)
    texts = [t.encode() for t in _json_texts(6)]
    refused = only_raises(ShareFileError, settings_from_json, texts + [random_bytes(rng) for _ in range(EXAMPLES)])
    assert refused == 2 * EXAMPLES  # none of them is a settings file


CELLS = ["0.5", "-1", "1e9", "nan", "inf", "x", "", '"', "label", "1", "7", " ", "0x10", "1e400", "é"]


@pytest.mark.parametrize("seed", [7])
def test_csv_reader_on_random_text(seed: int) -> None:
    rng = random.Random(seed)

    def random_csv() -> bytes:
        width = rng.choice([1, 3, 139, 140, 141])
        sep = rng.choice([",", ";", "\t", " "])
        rows = [sep.join(rng.choice(CELLS) if rng.random() < 0.1 else "0.5" for _ in range(width + rng.randint(-2, 2)))
                for _ in range(rng.randint(0, 5))]  # fmt: skip
        return "\n".join(rows).encode("utf-8" if rng.random() < 0.9 else "latin-1")

    examples = [random_csv() for _ in range(EXAMPLES)] + [random_bytes(rng) for _ in range(200)]
    assert only_raises(ValueError, read_signals_csv, examples) > EXAMPLES // 2
