"""The dataset chosen on the Data page against the current model's: a model only ever scores its own dataset."""

from __future__ import annotations

from anomaly_core import DATASET_TITLES
from ui.current_model import ActiveModel
from ui.datasets import dataset_of
from ui.settings import get_settings

NEEDS_LABELS = (
    "Your CSV has no label column, so the model trains and scores every row but nothing says which rows are "
    "anomalies: AUC, precision, recall and every other metric need labels. Add a column headed 'label' "
    "(0 or 'normal' for normal rows) to measure the model."
)


def other_dataset_note(model: ActiveModel) -> str | None:
    """What to tell the learner when the current model was trained on another dataset than the chosen one."""
    chosen, own = get_settings().data.dataset, model.split.config.dataset
    if chosen == own:
        return None
    return (
        f"The current model, {model.name}, was trained on {DATASET_TITLES[own]}, so it is shown on that data; it cannot "
        f"score {DATASET_TITLES[chosen]} (chosen on the Data page). Train a model on it on the Train page, or choose "
        f"{DATASET_TITLES[own]} again."
    )


def model_class_names(model: ActiveModel) -> dict[int, str]:
    """The class names of the model's own dataset."""
    return dict(dataset_of(model.split.config).class_names)


def csv_label_classes(model: ActiveModel) -> tuple[int, ...] | None:
    """The labels a CSV scored by this model may carry (None: any whole number, for a learner's own CSV)."""
    return None if model.split.config.dataset == "csv" else tuple(sorted(model_class_names(model)))
