"""Anomaly Lab's core: datasets (ECG5000 and more), autoencoders, a streaming trainer, scores and metrics.

The modules that need torch (model, persistence, scoring, train) and scikit-learn (detector) load on the first use
of one of their names: importing the package costs no torch (~1-2 s and ~180 MB), so a process that needs only
data, metrics or configs (a baseline fit, a page that shows stored numbers) never pays for it.
"""

import importlib
from typing import TYPE_CHECKING

from .config import DataConfig, ModelConfig, TrainConfig, config_from_dict, config_to_dict
from .csv_dataset import CsvDataset, csv_digest, read_dataset_csv
from .data import CLASS_NAMES, NORMAL_CLASS, SHORT_CLASS_NAMES, EcgData, EcgSplit, load_ecg5000, make_split
from .datasets import (
    DATASET_TITLES,
    DEFAULT_DATASET,
    Dataset,
    dataset_split,
    describe_dataset,
    fit_batch_to_rows,
    fit_model_to_length,
    load_dataset,
)
from .drawing import (
    BeatEdits,
    CanvasFrame,
    DrawnSignal,
    apply_edits,
    nearest_beat,
    points_from_fabric,
    signal_from_image,
    signal_from_points,
)
from .event_metrics import SeriesScores, series_scores, spans_of
from .long_signal import LongSignal, Span, errors_over_time, make_long_signal
from .metrics import (
    FPR_BUDGET,
    Confusion,
    ScoreSummary,
    ThresholdSweep,
    average_precision,
    flag_anomalies,
    precision_recall_curve,
    roc_auc,
    roc_curve,
    summarize_if_labelled,
    summarize_scores,
    verdict,
)
from .scalers import SCALINGS, FeatureMinMaxScaler, MinMaxScaler, Scaler, fit_scaler
from .signals import SignalsError, SignalTable, check_signals, read_signals_csv

if TYPE_CHECKING:  # torch's modules load on first use (see __getattr__)
    from .detector import AnomalyDetector
    from .model import Autoencoder, build_model, count_parameters
    from .persistence import (
        ModelFileError,
        ModelInfo,
        SavedModel,
        load_model,
        model_from_bytes,
        model_to_bytes,
        save_model,
        trained_info,
    )
    from .scoring import (
        DEFAULT_THRESHOLD_STRATEGY,
        THRESHOLD_STRATEGIES,
        ThresholdStrategy,
        anomaly_scores,
        attach_scaler,
        latent_codes,
        per_step_errors,
        reconstruct,
        suggested_threshold,
        threshold_best_f1,
        threshold_mean_std,
        threshold_percentile,
        threshold_youden,
    )
    from .train import EpochResult, Trainer, TrainingDiverged, available_device, configure_threads, describe_devices

__all__ = [
    "AnomalyDetector",
    "Autoencoder",
    "CLASS_NAMES",
    "FPR_BUDGET",
    "NORMAL_CLASS",
    "SHORT_CLASS_NAMES",
    "Confusion",
    "DataConfig",
    "EcgData",
    "EcgSplit",
    "EpochResult",
    "FeatureMinMaxScaler",
    "MinMaxScaler",
    "SCALINGS",
    "Scaler",
    "fit_scaler",
    "ModelConfig",
    "ModelFileError",
    "ModelInfo",
    "SavedModel",
    "DEFAULT_THRESHOLD_STRATEGY",
    "THRESHOLD_STRATEGIES",
    "ThresholdStrategy",
    "ScoreSummary",
    "ThresholdSweep",
    "TrainConfig",
    "Trainer",
    "TrainingDiverged",
    "anomaly_scores",
    "attach_scaler",
    "available_device",
    "average_precision",
    "build_model",
    "config_from_dict",
    "config_to_dict",
    "configure_threads",
    "count_parameters",
    "describe_devices",
    "flag_anomalies",
    "latent_codes",
    "load_ecg5000",
    "load_model",
    "make_split",
    "model_from_bytes",
    "model_to_bytes",
    "per_step_errors",
    "precision_recall_curve",
    "reconstruct",
    "roc_auc",
    "roc_curve",
    "save_model",
    "suggested_threshold",
    "summarize_if_labelled",
    "summarize_scores",
    "trained_info",
    "threshold_best_f1",
    "threshold_mean_std",
    "threshold_percentile",
    "threshold_youden",
    "SignalTable",
    "SignalsError",
    "check_signals",
    "read_signals_csv",
    "verdict",
    "BeatEdits",
    "CanvasFrame",
    "DrawnSignal",
    "apply_edits",
    "nearest_beat",
    "points_from_fabric",
    "signal_from_image",
    "signal_from_points",
    "DATASET_TITLES",
    "DEFAULT_DATASET",
    "CsvDataset",
    "Dataset",
    "LongSignal",
    "SeriesScores",
    "Span",
    "csv_digest",
    "dataset_split",
    "describe_dataset",
    "errors_over_time",
    "fit_batch_to_rows",
    "fit_model_to_length",
    "load_dataset",
    "make_long_signal",
    "read_dataset_csv",
    "series_scores",
    "spans_of",
]


_LAZY_MODULES = {
    'Autoencoder': 'model',
    'build_model': 'model',
    'count_parameters': 'model',
    'ModelFileError': 'persistence',
    'ModelInfo': 'persistence',
    'SavedModel': 'persistence',
    'load_model': 'persistence',
    'model_from_bytes': 'persistence',
    'model_to_bytes': 'persistence',
    'save_model': 'persistence',
    'trained_info': 'persistence',
    'DEFAULT_THRESHOLD_STRATEGY': 'scoring',
    'THRESHOLD_STRATEGIES': 'scoring',
    'ThresholdStrategy': 'scoring',
    'anomaly_scores': 'scoring',
    'attach_scaler': 'scoring',
    'latent_codes': 'scoring',
    'per_step_errors': 'scoring',
    'reconstruct': 'scoring',
    'suggested_threshold': 'scoring',
    'threshold_best_f1': 'scoring',
    'threshold_mean_std': 'scoring',
    'threshold_percentile': 'scoring',
    'threshold_youden': 'scoring',
    'EpochResult': 'train',
    'Trainer': 'train',
    'TrainingDiverged': 'train',
    'available_device': 'train',
    'configure_threads': 'train',
    'describe_devices': 'train',
    'AnomalyDetector': 'detector',
}


def __getattr__(name: str) -> object:
    """A name of a torch (or scikit-learn) module, imported on its first use and kept."""
    module = _LAZY_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'anomaly_core' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
