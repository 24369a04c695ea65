"""The settings a sweep can vary: where each lives in a run's configs, how its values are written and read."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ..runs.records import RunSpec

Section = Literal["model", "train", "data"]
DENSE_FAMILIES = ("dense", "vae")  # the families built from dense layers (layer widths, dropout)


def _widths(text: str) -> tuple[int, ...]:
    """'64x32' → (64, 32): hidden layer widths of the encoder."""
    return tuple(int(part) for part in text.lower().replace("×", "x").split("x"))


def _percent(text: str) -> float:
    """'30' → 0.3: a share given in percent."""
    return round(float(text.rstrip("%")) / 100, 6)


@dataclass(frozen=True)
class SweepParameter:
    """One setting a sweep varies: `section.field` of a RunSpec, read from text by `parse`, shown by `show`."""

    key: str
    label: str
    section: Section
    field: str
    parse: Callable[[str], Any]
    show: Callable[[Any], str] = str
    log_axis: bool = False  # plot on a log axis (e.g. the learning rate)
    families: tuple[str, ...] | None = None  # the model families that use this setting (None: every family)

    def value_of(self, spec: RunSpec) -> Any:
        """This setting's value in `spec`."""
        return getattr(getattr(spec, self.section), self.field)

    def applied(self, spec: RunSpec, value: Any) -> RunSpec:
        """`spec` with this setting set to `value`; ValueError (naming the field) when the configs refuse it."""
        section = dataclasses.replace(getattr(spec, self.section), **{self.field: value})
        return dataclasses.replace(spec, **{self.section: section})

    def check_family(self, family: str) -> None:
        """ValueError when the `family` does not use this setting (every value would train the same model)."""
        if self.families is not None and family not in self.families:
            raise ValueError(
                f"{self.label} has no effect on the {family} family (only {' and '.join(self.families)} use it): "
                "sweep another setting, or choose one of those families on Train"
            )


PARAMETERS: dict[str, SweepParameter] = {
    p.key: p
    for p in (
        SweepParameter("latent_size", "Bottleneck size", "model", "latent_size", int),
        SweepParameter("encoder_hidden", "Layer widths", "model", "encoder_hidden", _widths, lambda v: "×".join(map(str, v)),
                       families=DENSE_FAMILIES),
        SweepParameter("abnormal_fraction", "% abnormal in training", "data", "abnormal_fraction", _percent,
                       lambda v: f"{v * 100:g} %"),
        SweepParameter("learning_rate", "Learning rate", "train", "learning_rate", float, lambda v: f"{v:g}", log_axis=True),
        SweepParameter("epochs", "Epochs", "train", "epochs", int),
        SweepParameter("batch_size", "Batch size", "train", "batch_size", int),
        SweepParameter("dropout", "Dropout", "model", "dropout", float, lambda v: f"{v:g}", families=DENSE_FAMILIES),
        SweepParameter("input_noise", "Denoising noise", "model", "input_noise", float, lambda v: f"{v:g}"),
        SweepParameter("score_smoothing", "Score smoothing", "model", "score_smoothing", int),
        SweepParameter("family", "Model family", "model", "family", str.strip),
        SweepParameter("loss", "Loss", "train", "loss", str.strip),
    )
}  # fmt: skip


def parameter(key: str) -> SweepParameter:
    """The sweepable setting named `key`; ValueError lists the known ones."""
    if key not in PARAMETERS:
        raise ValueError(f"{key!r} cannot be swept; choose one of {', '.join(PARAMETERS)}")
    return PARAMETERS[key]


def parse_values(key: str, text: str) -> tuple[Any, ...]:
    """'1, 2, 4' → (1, 2, 4) for the setting `key`, duplicates dropped; ValueError says which value is wrong."""
    param, values = parameter(key), []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        try:
            value = param.parse(token)
        except ValueError:
            raise ValueError(f"{param.label}: {token!r} is not a valid value") from None
        if value not in values:
            values.append(value)
    if not values:
        raise ValueError(f"{param.label}: give at least one value (comma-separated)")
    return tuple(values)
