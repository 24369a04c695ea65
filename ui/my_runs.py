"""The sidebar's My runs: this session's stored runs (family, epochs, AUC, status); use, rename or delete one."""

from __future__ import annotations

import streamlit as st

from anomaly_core.runs import RunNotFound, RunRecord, StoreError
from ui.current_model import active_model, set_active_model
from ui.model_file import model_file_bytes, model_onnx_bytes
from ui.run_models import current_run_id, forget_current_run, model_for_run, use_run
from ui.runs import follow_run, followed_run_id, run_service, session_run, session_runs, session_token

PICK_KEY = "my_runs_pick"
NAME_KEY = "my_runs_name"
MESSAGE_KEY = "my_runs_message"


def run_line(run: RunRecord) -> str:
    """'Run 2 (Good default) · dense · 40 ep · AUC 0.991 · finished'."""
    auc = f" · AUC {run.metrics['auc']:.3f}" if "auc" in run.metrics else ""
    return f"{run.name} · {run.spec.model.family} · {run.epochs} ep{auc} · {run.status}"


def _act(run_id: str, action: str) -> None:
    """Button callback: use, rename or delete a run of this session; problems become a message, not a traceback."""
    service, token = run_service(), session_token()
    run = session_run(run_id)
    if service is None or token is None or run is None:
        st.session_state[MESSAGE_KEY] = "That run no longer exists (deleted, or from another session)."
        return
    try:
        if action == "use" and not use_run(run):
            st.session_state[MESSAGE_KEY] = f"{run.name} has no trained weights yet."
        elif action == "rename":
            service.store.rename_run(token, run.id, st.session_state.get(f"{NAME_KEY}_{run.id}", ""))
        elif action == "delete":
            _delete(run)
    except (RunNotFound, StoreError, ValueError) as error:
        st.session_state[MESSAGE_KEY] = f"Not done: {error}."


def _delete(run: RunRecord) -> None:
    service, token = run_service(), session_token()
    if service is None or token is None:
        return
    if run.active:
        raise ValueError(f"{run.name} is training: stop it first")
    service.store.delete_run(token, run.id)
    if current_run_id() == run.id:  # the deleted run was the current model: back to the ready model
        set_active_model(None)
        forget_current_run()
    if followed_run_id() == run.id:
        follow_run(None)


def _render_downloads(run: RunRecord) -> None:
    """The picked run as a model file or as ONNX (built on click, not on every rerun)."""
    model = model_for_run(run) if run.usable else None
    if model is None:
        return
    file_column, onnx_column = st.columns(2)
    file_column.download_button(
        "Model file", data=lambda: model_file_bytes(model), file_name=f"{run.id}.safetensors",
        mime="application/octet-stream", key="my_runs_download", on_click="ignore", width="stretch",
    )  # fmt: skip
    onnx_column.download_button(
        "ONNX", data=lambda: model_onnx_bytes(model), file_name=f"{run.id}.onnx",
        mime="application/octet-stream", key="my_runs_onnx", on_click="ignore", width="stretch",
        help="Raw beats in, anomaly scores out: the scaler and the score are inside the graph.",
    )  # fmt: skip


def render_my_runs() -> None:
    """The session's runs, newest first, with Use / Rename / Delete for the one picked."""
    runs = list(reversed(session_runs()))
    with st.expander(f"My runs ({len(runs)})"):
        if not runs:
            st.caption("Every model you train is kept here as a run, also after a reload or a server restart.")
            return
        st.markdown("\n".join(f"- {run_line(run)}" for run in runs[:12]))
        ids = [run.id for run in runs]
        if st.session_state.get(PICK_KEY) not in ids:
            st.session_state[PICK_KEY] = ids[0]
        names = {run.id: run.name for run in runs}
        picked = st.selectbox("Run", ids, format_func=names.__getitem__, key=PICK_KEY)
        run = next(r for r in runs if r.id == picked)
        is_current = active_model().run_id == run.id
        use, delete = st.columns(2)
        use.button("Use", key="my_runs_use", on_click=_act, args=(run.id, "use"), disabled=is_current or not run.usable,
                   help="Make it the current model (Evaluate, Draw and Compare use it).", width="stretch")  # fmt: skip
        delete.button(
            "Delete", key="my_runs_delete", on_click=_act, args=(run.id, "delete"), disabled=run.active, width="stretch"
        )
        _render_downloads(run)
        st.text_input("New name", value=run.name, key=f"{NAME_KEY}_{run.id}", max_chars=80)
        st.button("Rename", key="my_runs_rename", on_click=_act, args=(run.id, "rename"))
        if st.session_state.get(MESSAGE_KEY):
            st.warning(st.session_state.pop(MESSAGE_KEY))
