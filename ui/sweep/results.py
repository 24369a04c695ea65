"""A sweep's results as its runs finish: the lesson's curve (or heatmap), the sortable table with CSV export,
and any row made the current model."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from anomaly_core.runs import RunRecord
from anomaly_core.sweeps import ANOMAGRAM_AUC, METRICS, SweepPlan, summarize_by, sweep_rows
from anomaly_core.sweeps.params import parameter
from anomaly_core.sweeps.results import SweepRow, table, table_csv
from ui.run_models import current_run_id
from ui.sweep.actions import use_clicked
from ui.sweep.charts import metric_curve, metric_heatmap

METRIC_KEY = "sweep_metric"
PICK_KEY = "sweep_pick"
NO_TOOLBAR = {"displayModeBar": False}


def _charts(plan: SweepPlan, rows: list[SweepRow], key: str) -> None:
    metric = st.radio("Metric", list(METRICS), format_func=METRICS.__getitem__, key=METRIC_KEY, horizontal=True)
    summaries = summarize_by(plan, rows, metric)
    if not summaries:
        st.caption("The curve appears as soon as the first run finishes.")
        return
    first = parameter(plan.keys[0])
    second = parameter(plan.keys[1]) if len(plan.keys) == 2 else None
    curve = metric_curve(first, summaries, METRICS[metric], by=second)
    if second is None:
        st.plotly_chart(curve, key=f"{key}_curve", config=NO_TOOLBAR)
        return
    left, right = st.columns(2)
    left.plotly_chart(curve, key=f"{key}_curve", config=NO_TOOLBAR)
    right.plotly_chart(metric_heatmap(first, second, summaries, METRICS[metric]), key=f"{key}_heatmap", config=NO_TOOLBAR)


def _anomagram(plan: SweepPlan, rows: list[SweepRow]) -> None:
    """Where ours lands on Anomagram's question (AUC against % abnormal in training)."""
    if plan.keys != ("abnormal_fraction",):
        return
    ours = {s.values[0]: s.mean for s in summarize_by(plan, rows, "auc")}
    shared = [f for f in ANOMAGRAM_AUC if f in ours]
    if shared:
        pairs = ", ".join(f"{f * 100:g} %: {ours[f]:.2f} here vs {ANOMAGRAM_AUC[f]:.2f}" for f in shared)
        st.info(f"Anomagram's write-up asked the same question. AUC at {pairs} (ours: mean over seeds).")


def _table(plan: SweepPlan, rows: list[SweepRow], key: str) -> None:
    header, body = table(plan, rows)
    frame = pd.DataFrame(body, columns=header).drop(columns="run_id")
    frame.columns = [*(parameter(k).label for k in plan.keys), "seed", "status", "epochs trained", *METRICS.values(), "seconds"]
    st.dataframe(frame, hide_index=True, key=f"{key}_table")  # click a column header to sort
    if key != "live":  # a download button redrawn twice a second loses its file before the browser fetches it
        st.download_button("Download the table (CSV)", partial(table_csv, plan, rows), file_name="sweep.csv",
                           mime="text/csv", key=f"{key}_csv")  # fmt: skip
    else:
        st.caption("The table can be downloaded as CSV once every run has ended (or after Stop).")


def _pick(plan: SweepPlan, runs: list[RunRecord]) -> None:
    usable = {r.id: r.name.removeprefix("Sweep · ") for r in runs if r.usable}
    if not usable:
        return
    if st.session_state.get(PICK_KEY) not in usable:
        st.session_state[PICK_KEY] = next(iter(usable))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Pick a run", list(usable), format_func=usable.__getitem__, key=PICK_KEY)
    right.button("Make it the current model", key="sweep_use", on_click=use_clicked, args=(PICK_KEY,), width="stretch")
    current = current_run_id()
    if current is not None and current in usable:
        st.caption(f"Current model: {usable[current]}.")


def render_results(plan: SweepPlan, runs: list[RunRecord], key: str) -> None:
    """Curve or heatmap, Anomagram's numbers where they apply, the table and the row picker."""
    rows = sweep_rows(plan, runs)
    _charts(plan, rows, key)
    _anomagram(plan, rows)
    _table(plan, rows, key)
    _pick(plan, runs)
