"""The Compare page: leaderboard, overlaid curves, per-class recall and one sentence per family."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from anomaly_core import DataConfig
from ui.compare.charts import pr_overlay, roc_overlay
from ui.compare.rows import compared_models, rows_for_split, split_configs, unique_names
from ui.compare.table import (
    FAMILY_NOTES,
    LeaderRow,
    leaderboard_frame,
    per_class_frame,
    split_label,
    style_best,
    top_rows,
)
from ui.current_model import ActiveModel, active_model, set_active_model
from ui.dataset_choice import NEEDS_LABELS
from ui.datasets import dataset_of
from ui.fast_chart import show_chart
from ui.run_models import forget_current_run, use_run
from ui.runs import session_run

SPLIT_KEY = "compare_split"
SORT_KEY = "compare_sort"
ORDER_KEY = "compare_order"
CURVES_KEY = "compare_curves"
USE_KEY = "compare_use_model"
SORT_COLUMNS = ("ROC AUC", "AP", "best F1", "recall @ 5% FPR", "train s", "parameters", "model", "family")
ORDERS = ("best first", "ascending", "descending")


def choose_split(configs: list[DataConfig]) -> DataConfig:
    """The split to compare on: the newest model's, or the one picked when models were evaluated on several."""
    if len(configs) == 1:
        st.caption(f"Data split: {split_label(configs[0])}.")
        return configs[0]
    st.warning(
        f"Your models were evaluated on {len(configs)} different data splits; scores from different splits are not "
        "comparable, so the leaderboard shows one split at a time."
    )
    labels = [split_label(cfg) for cfg in configs]
    st.session_state.setdefault(SPLIT_KEY, labels[0])
    if st.session_state[SPLIT_KEY] not in labels:
        st.session_state[SPLIT_KEY] = labels[0]
    chosen = st.selectbox("Data split", labels, key=SPLIT_KEY)
    return configs[labels.index(chosen)]


def _ascending(column: str, order: str) -> bool:
    if order == "best first":
        return column in ("train s", "parameters", "model", "family")
    return order == "ascending"


def render_leaderboard(rows: Sequence[LeaderRow]) -> None:
    """Sort controls and the leaderboard with the best of each column highlighted."""
    st.session_state.setdefault(SORT_KEY, "ROC AUC")
    st.session_state.setdefault(ORDER_KEY, "best first")
    left, right = st.columns(2)
    with left:
        column = st.selectbox("Sort by", SORT_COLUMNS, key=SORT_KEY)
    with right:
        order = st.radio("Order", ORDERS, key=ORDER_KEY, horizontal=True)
    frame = leaderboard_frame(rows, column, _ascending(column, order))
    st.dataframe(style_best(frame), hide_index=True, width="stretch", placeholder="—")
    st.caption(
        "Highlighted: the best in each column (highest score, or fewest seconds and parameters). "
        "Baselines' 'parameters' are the numbers the fitted detector keeps; their 'train s' is the fitting time."
    )


def render_curves(rows: Sequence[LeaderRow]) -> None:
    """Overlaid ROC and precision-recall curves of the chosen rows."""
    if rows and not rows[0].y_test.any():
        st.info(NEEDS_LABELS)
        return
    names = [r.name for r in rows]
    chosen = st.session_state.get(CURVES_KEY)
    if chosen is None or not set(chosen) <= set(names):
        st.session_state[CURVES_KEY] = top_rows(rows)
    picked = st.multiselect("Curves of", names, key=CURVES_KEY)
    if not picked:
        st.info("Choose at least one model above to draw its curves.")
        return
    curves = [(r.name, r.y_test, r.scores) for r in rows if r.name in picked]
    left, right = st.columns(2)
    with left:
        show_chart(roc_overlay(curves), key="compare_roc", config={"displayModeBar": False})
    with right:
        show_chart(pr_overlay(curves), key="compare_pr", config={"displayModeBar": False})


def render_per_class(rows: Sequence[LeaderRow], cfg: DataConfig) -> None:
    """Recall of each abnormal class at 5 % false positives, to show which rows each model misses."""
    dataset = dataset_of(cfg)
    short = {c: dataset.short_names[c] for c in dataset.abnormal_classes}
    st.subheader(f"Which abnormal {dataset.row_name}s each model catches")
    st.caption(
        f"Share of each abnormal class flagged when the threshold lets 5 % of normal test {dataset.row_name}s through as "
        "false alarms. " + "; ".join(f"{name} = {dataset.class_names[c]}" for c, name in short.items()) + "."
    )
    st.dataframe(per_class_frame(rows, short).style.format("{:.0%}", na_rep="—"), width="stretch", placeholder="—")


def _use(model: ActiveModel) -> None:
    """Button callback: make `model` current (a stored run through the store, an uploaded one as it is)."""
    run = session_run(model.run_id)
    if run is None or not use_run(run):
        set_active_model(model)
        forget_current_run()


def render_use_model(models: list[ActiveModel], cfg: DataConfig) -> None:
    """Pick one of this split's models and make it the current model (Evaluate and Draw then use it)."""
    choices = {name: m for m, name in zip(models, unique_names(models)) if m.split.config == cfg and not m.is_default}
    if not choices:
        return
    pick, button = st.columns([3, 1], vertical_alignment="bottom")
    name = pick.selectbox("Model to use on Evaluate and Draw", list(choices), key=USE_KEY)
    current = active_model()
    is_current = choices[name] is current or (choices[name].run_id is not None and choices[name].run_id == current.run_id)
    button.button("Use this model", key="compare_use", on_click=_use, args=(choices[name],), disabled=is_current,
                  help="It is the current model already." if is_current else None, width="stretch")  # fmt: skip


def render_family_notes() -> None:
    """One sentence per family: how it works and when it wins."""
    st.subheader("How each family works")
    st.markdown("\n".join(f"- {note}" for note in FAMILY_NOTES.values()))


def render_compare_page() -> None:
    """Everything below the page's title and teaching sentences."""
    models = compared_models()
    if len(models) == 1 and models[0].is_default:
        st.info("Nothing trained in this session yet: the ready default model meets the baselines. Train more on the Train page.")
    cfg = choose_split(split_configs(models))
    rows = rows_for_split(models, cfg)
    render_leaderboard(rows)
    render_use_model(models, cfg)
    render_curves(rows)
    render_per_class(rows, cfg)
    render_family_notes()
