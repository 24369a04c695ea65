"""Frozen, validated configurations for data, model and training."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

ACTIVATIONS = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid")
OUTPUT_ACTIVATIONS = ("sigmoid", "linear", "tanh")
INITS = ("xavier", "kaiming", "default")
FAMILIES = ("dense", "vae", "conv", "lstm")
VAE_SCORES = ("reconstruction", "elbo")
OPTIMIZERS = ("adam", "adamax", "adadelta", "rmsprop", "sgd", "sgd_momentum")
REGULARIZERS = ("none", "l1", "l2", "l1_l2")
LOSSES = ("mse", "mae", "msle")
DEVICES = ("auto", "cpu", "cuda", "mps")
DATASETS = ("ecg5000", "ecg200", "ecgfivedays", "digits", "long_signal", "csv")  # the registry: anomaly_core.datasets
SIGNAL_ANOMALIES = ("spike", "level_shift", "flat", "frequency", "noise_burst")  # kinds injected into the long signal
SCALINGS = ("per_feature", "global")  # per_feature: one min/max per time step; global: one min/max for every value
DEFAULT_SCALING = "per_feature"  # chosen over 5 splits x 5 seeds by benchmarks/bench_models.py --grid

# Outer bounds of every config; the Train page's widgets and the link codec use the same or narrower ranges.
BEAT_LENGTH = 140  # values per ECG5000 beat: the default dataset's input length (others: anomaly_core.datasets)
MAX_LAYERS = 6  # hidden layers of the encoder (and of a given decoder)
MAX_EPOCHS = 2000
MAX_UNITS = 512
MAX_CONV_LAYERS = 4
MAX_CHANNELS = 128
MAX_KERNEL = 15
MAX_STRIDE = 4
MAX_LSTM_LAYERS = 3
MAX_SCORE_SMOOTHING = 31
MIN_INPUT_LENGTH = 2  # a dense autoencoder works on any 2 or more values per row
MAX_SEED = 2**32 - 1  # numpy's and torch's seeds both take 0 … 2**32 - 1


def _require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise ValueError(f"{field}: {message}")


def _require_choice(value: str, field: str, choices: tuple[str, ...]) -> None:
    _require(value in choices, field, f"{value!r} is not one of {', '.join(choices)}")


def _require_int(value: Any, field: str, low: int, high: int) -> None:
    _require(isinstance(value, int) and low <= value <= high, field, f"must be a whole number {low} to {high}, got {value!r}")


def _check_layers(sizes: tuple[int, ...], field: str) -> None:
    _require(1 <= len(sizes) <= MAX_LAYERS, field, f"give 1 to {MAX_LAYERS} layers, got {len(sizes)}")
    for size in sizes:
        _require(
            isinstance(size, int) and 1 <= size <= MAX_UNITS,
            field,
            f"each layer needs 1 to {MAX_UNITS} units, got {size!r}",
        )


@dataclass(frozen=True)
class DataConfig:
    """Which dataset, and how it is split into training, validation and test rows."""

    dataset: str = "ecg5000"  # a name from DATASETS
    normal_class: int | None = None  # None: the dataset's own normal class (digits: which digit counts as normal)
    signal_anomalies: str = ",".join(SIGNAL_ANOMALIES)  # long signal: comma-separated kinds to inject
    signal_trend: bool = False  # long signal: add a slow linear trend
    signal_seasonality: bool = False  # long signal: add a slow second sine (a season)
    csv_digest: str = ""  # csv: the sha256 of the learner's upload (kept with the session, never in a link)
    train_size: int | None = None  # None: every beat the training pool can give
    test_size: int | None = None  # None: the whole test pool
    abnormal_fraction: float = 0.0  # share of abnormal beats mixed into training
    val_fraction: float = 0.1  # normal beats held out for validation, relative to training normals
    test_pool_fraction: float = 0.2
    seed: int = 0
    scaling: str = DEFAULT_SCALING  # how beats are scaled to [0, 1], fitted on the training rows (one of SCALINGS)

    def __post_init__(self) -> None:
        for name in ("train_size", "test_size"):
            value = getattr(self, name)
            _require(value is None or (isinstance(value, int) and value > 0), name, "must be a positive whole number or 'all'")
        _require(0.0 <= self.abnormal_fraction <= 0.7, "abnormal_fraction", "choose a fraction between 0 and 0.7")
        _require(0.0 < self.val_fraction <= 0.5, "val_fraction", "choose a fraction above 0 and at most 0.5")
        _require(0.05 <= self.test_pool_fraction <= 0.8, "test_pool_fraction", "choose between 0.05 and 0.8")
        _require_int(self.seed, "seed", 0, MAX_SEED)
        _require_choice(self.scaling, "scaling", SCALINGS)
        self._check_dataset_options()

    def _check_dataset_options(self) -> None:
        """The dataset's name and the options only some datasets use."""
        _require_choice(self.dataset, "dataset", DATASETS)
        _require(self.normal_class is None or type(self.normal_class) is int, "normal_class", "must be a whole number")
        kinds = self.anomaly_kinds
        _require(len(kinds) > 0, "signal_anomalies", f"name at least one of {', '.join(SIGNAL_ANOMALIES)}")
        for kind in kinds:
            _require_choice(kind, "signal_anomalies", SIGNAL_ANOMALIES)
        digest = self.csv_digest
        _require(
            isinstance(digest, str) and len(digest) in (0, 64) and all(c in "0123456789abcdef" for c in digest),
            "csv_digest",
            "must be empty or 64 hexadecimal digits",
        )
        _require(self.dataset != "csv" or bool(digest), "csv_digest", "the csv dataset needs an uploaded file")

    @property
    def anomaly_kinds(self) -> tuple[str, ...]:
        """The long signal's anomaly kinds, in order, without blanks or repeats."""
        parts = [part.strip() for part in str(self.signal_anomalies).split(",")]
        return tuple(dict.fromkeys(part for part in parts if part))


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to build an autoencoder; the decoder mirrors the encoder unless given."""

    family: str = "dense"
    input_length: int = BEAT_LENGTH
    encoder_hidden: tuple[int, ...] = (64, 32)
    latent_size: int = 16
    decoder_hidden: tuple[int, ...] | None = None  # None: the encoder's sizes reversed
    activation: str = "relu"
    output_activation: str = "sigmoid"
    dropout: float = 0.0
    batch_norm: bool = False
    init: str = "xavier"
    input_noise: float = 0.0  # std of Gaussian noise added to inputs while training (denoising)
    score_smoothing: int = 5  # time steps the reconstruction difference is averaged over before scoring (odd; 1: off)
    vae_beta: float = 0.003  # weight of the KL term (per beat, divided by input_length like the error)
    vae_score: str = "reconstruction"  # or "elbo": reconstruction error plus the weighted KL term
    conv_channels: tuple[int, ...] = (8, 16, 32, 32)  # 140 steps -> 70 -> 35 -> 18 -> 9
    conv_kernel: int = 5
    conv_stride: int = 2
    lstm_hidden: int = 32
    lstm_layers: int = 1
    lstm_chunk: int = 7  # time steps fed to the LSTM at once: 140 steps become 20, seven times faster

    def __post_init__(self) -> None:
        _require_choice(self.family, "family", FAMILIES)
        self._check_family_options()
        _require(
            isinstance(self.input_length, int) and MIN_INPUT_LENGTH <= self.input_length <= 4096,
            "input_length",
            f"must be {MIN_INPUT_LENGTH} to 4096",
        )
        _check_layers(tuple(self.encoder_hidden), "encoder_hidden")
        if self.decoder_hidden is not None:
            _check_layers(tuple(self.decoder_hidden), "decoder_hidden")
        _require(
            isinstance(self.latent_size, int) and 1 <= self.latent_size <= MAX_UNITS, "latent_size", f"must be 1 to {MAX_UNITS}"
        )
        _require_choice(self.activation, "activation", ACTIVATIONS)
        _require_choice(self.output_activation, "output_activation", OUTPUT_ACTIVATIONS)
        _require_choice(self.init, "init", INITS)
        _require(0.0 <= self.dropout < 1.0, "dropout", "must be at least 0 and below 1")
        _require(0.0 <= self.input_noise <= 1.0, "input_noise", "must be between 0 and 1")
        _require_int(self.score_smoothing, "score_smoothing", 1, min(MAX_SCORE_SMOOTHING, self.input_length))
        _require(self.score_smoothing % 2 == 1, "score_smoothing", f"must be odd (1, 3, 5, ...), got {self.score_smoothing}")

    def _check_family_options(self) -> None:
        """Ranges of the VAE, convolutional and LSTM options, and combinations a family cannot use."""
        _require(math.isfinite(self.vae_beta) and 0.0 <= self.vae_beta <= 100.0, "vae_beta", "must be between 0 and 100")
        _require_choice(self.vae_score, "vae_score", VAE_SCORES)
        _require(self.vae_score == "reconstruction" or self.family == "vae", "vae_score", "'elbo' needs the vae family")
        channels = tuple(self.conv_channels)
        _require(1 <= len(channels) <= MAX_CONV_LAYERS, "conv_channels", f"give 1 to {MAX_CONV_LAYERS} layers")
        for channel in channels:
            _require_int(channel, "conv_channels", 1, MAX_CHANNELS)
        _require_int(self.conv_kernel, "conv_kernel", 2, MAX_KERNEL)
        _require_int(self.conv_stride, "conv_stride", 1, MAX_STRIDE)
        _require(self.conv_stride <= self.conv_kernel, "conv_stride", "must not exceed conv_kernel (steps would be skipped)")
        _require_int(self.lstm_hidden, "lstm_hidden", 1, 256)
        _require_int(self.lstm_layers, "lstm_layers", 1, MAX_LSTM_LAYERS)
        _require_int(self.lstm_chunk, "lstm_chunk", 1, 20)
        if self.family in ("conv", "lstm"):
            _require(not self.batch_norm, "batch_norm", f"the {self.family} family has no batch-norm option; use dense or vae")
        if self.family == "lstm":
            _require(self.input_length % self.lstm_chunk == 0, "lstm_chunk", f"must divide input_length {self.input_length}")

    @property
    def conv_lengths(self) -> tuple[int, ...]:
        """Signal length after each convolution of the encoder, starting with the input length."""
        lengths, pad = [self.input_length], self.conv_kernel // 2
        for _ in self.conv_channels:
            lengths.append((lengths[-1] + 2 * pad - self.conv_kernel) // self.conv_stride + 1)
        return tuple(lengths)

    @property
    def decoder_sizes(self) -> tuple[int, ...]:
        """Hidden sizes of the decoder, mirrored from the encoder when not given."""
        return tuple(self.decoder_hidden) if self.decoder_hidden is not None else tuple(reversed(self.encoder_hidden))


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings; `eval_every` > 0 scores the test beats every k epochs."""

    epochs: int = 40
    batch_size: int = 128
    learning_rate: float = 3e-3
    optimizer: str = "adam"
    regularizer: str = "none"
    regularization_rate: float = 0.0
    loss: str = "mse"
    seed: int = 0
    device: str = "auto"
    eval_every: int = 0

    def __post_init__(self) -> None:
        _require_int(self.epochs, "epochs", 1, MAX_EPOCHS)
        _require(isinstance(self.batch_size, int) and 1 <= self.batch_size <= 65_536, "batch_size", "must be 1 to 65536")
        _require(
            math.isfinite(self.learning_rate) and 0 < self.learning_rate <= 100,
            "learning_rate",
            "must be above 0 and at most 100",
        )
        _require_choice(self.optimizer, "optimizer", OPTIMIZERS)
        _require_choice(self.regularizer, "regularizer", REGULARIZERS)
        _require(
            math.isfinite(self.regularization_rate) and 0 <= self.regularization_rate <= 1,
            "regularization_rate",
            "must be between 0 and 1",
        )
        _require_choice(self.loss, "loss", LOSSES)
        _require_choice(self.device, "device", DEVICES)
        _require_int(self.seed, "seed", 0, MAX_SEED)
        _require(
            isinstance(self.eval_every, int) and self.eval_every >= 0,
            "eval_every",
            "must be 0 (never) or a positive number of epochs",
        )


C = TypeVar("C", DataConfig, ModelConfig, TrainConfig)


def config_from_dict(cls: type[C], values: dict[str, Any]) -> C:
    """Build a config from plain JSON values; unknown keys raise ValueError."""
    if not isinstance(values, dict):
        raise ValueError(f"{cls.__name__}: expected a JSON object, got {type(values).__name__}")
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {', '.join(unknown)}")
    _check_json_types(cls, values)
    cleaned: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    try:
        return cls(**cleaned)
    except (TypeError, OverflowError) as error:  # a string where a number belongs; an integer too big for a float
        raise ValueError(f"{cls.__name__}: {error}") from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json_kind(default: Any) -> tuple[Callable[[Any], bool], str] | None:
    """What a JSON value must be for a field with this default, and its name for messages (None: checked later)."""
    if isinstance(default, bool):
        return (lambda v: isinstance(v, bool)), "true or false"
    if isinstance(default, int | float):
        return _is_number, "a number"
    if isinstance(default, str):
        return (lambda v: isinstance(v, str)), "text"
    if isinstance(default, tuple):
        return (lambda v: isinstance(v, list | tuple) and all(_is_number(x) for x in v)), "a list of numbers"
    return None


def _check_json_types(cls: type, values: dict[str, Any]) -> None:
    """ValueError naming the first field whose JSON value is of another kind than its default."""
    for field in dataclasses.fields(cls):
        kind = _json_kind(field.default)
        value = values.get(field.name)
        if kind is not None and value is not None and not kind[0](value):
            raise ValueError(f"{cls.__name__}.{field.name}: must be {kind[1]}, got {str(value)[:30]!r}")


def saved_data_config(values: dict[str, Any]) -> DataConfig:
    """A DataConfig read back from a model file or a stored run: older ones, written before `scaling`, were global."""
    if not isinstance(values, dict):
        raise ValueError(f"DataConfig: expected a JSON object, got {type(values).__name__}")
    return config_from_dict(DataConfig, {"scaling": "global"} | values)


def config_to_dict(config: DataConfig | ModelConfig | TrainConfig) -> dict[str, Any]:
    """Plain JSON-ready values of a config."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(config).items()}
