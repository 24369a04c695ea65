"""The sweep builder: one or two settings with their values and a number of seeds, over the current Train
settings; it shows the number of runs and a time estimate, and gives the plan (None while it is invalid)."""

from __future__ import annotations

import streamlit as st

from anomaly_core.cost import RunSizes
from anomaly_core.runs import RunSpec
from anomaly_core.sweeps import MAX_SEEDS, PARAMETERS, READY_SWEEPS, SweepPlan
from anomaly_core.sweeps.service import check_costs, check_fits
from ui.datasets import ecg_split
from ui.runs import run_service, session_runs
from ui.settings import get_settings

PARAM_KEYS = ("sweep_param_0", "sweep_param_1")
VALUES_KEYS = ("sweep_values_0", "sweep_values_1")
SEEDS_KEY = "sweep_seeds"
NONE = ""  # the second setting's "no second setting"
SUGGESTED = {
    "latent_size": "1, 2, 4, 8, 16", "encoder_hidden": "32, 64x32, 128x64x32", "abnormal_fraction": "0, 10, 30, 50",
    "learning_rate": "0.0001, 0.001, 0.01, 0.1", "epochs": "5, 10, 20, 40", "batch_size": "32, 128, 512",
    "dropout": "0, 0.1, 0.3", "input_noise": "0, 0.1, 0.3", "score_smoothing": "1, 5, 11", "family": "dense, vae, conv",
    "loss": "mse, mae",
}  # fmt: skip
EPOCH_SECONDS = {"dense": 0.08, "vae": 0.1, "conv": 0.4, "lstm": 0.6}  # typical on a quiet 2-core server, scored every epoch


def base_spec() -> RunSpec:
    """The current Train settings, which every run of the sweep starts from."""
    settings = get_settings()
    return RunSpec(settings.model, settings.train, settings.data)


def _suggest(index: int) -> None:
    """A new setting was picked: offer its usual values."""
    st.session_state[VALUES_KEYS[index]] = SUGGESTED.get(st.session_state[PARAM_KEYS[index]], "")


def fill_ready_sweep(key: str) -> None:
    """Put a ready-made lesson sweep into the builder."""
    ready = READY_SWEEPS[key]
    (param, values), *_ = ready.grid.items()
    st.session_state.update({PARAM_KEYS[0]: param, VALUES_KEYS[0]: values, PARAM_KEYS[1]: NONE, VALUES_KEYS[1]: ""})
    st.session_state[SEEDS_KEY] = ready.seeds


def plan_from_state(base: RunSpec) -> SweepPlan:
    """The plan the builder's widgets describe; ValueError says what is wrong."""
    grid = {st.session_state[PARAM_KEYS[0]]: st.session_state[VALUES_KEYS[0]]}
    if st.session_state[PARAM_KEYS[1]] != NONE:
        grid[st.session_state[PARAM_KEYS[1]]] = st.session_state[VALUES_KEYS[1]]
    plan = SweepPlan.from_text(base, grid, int(st.session_state[SEEDS_KEY]))
    service = run_service()
    if service is None:
        plan.runs()  # every value must suit the base settings (e.g. the family)
    else:
        check_fits(plan, service.settings)  # and the server's limit of sweep runs per session
    check_costs(plan, lambda data: RunSizes.of(ecg_split(data)))  # the Train page's cost limits, for every run
    return plan


def seconds_per_epoch(base: RunSpec) -> tuple[float, str]:
    """Seconds per epoch for the base family: measured on your newest run of that family, else a typical figure."""
    measured = [r for r in session_runs() if r.spec.model.family == base.model.family and r.epochs and r.train_seconds]
    if measured:
        run = measured[-1]
        return run.train_seconds / run.epochs, f"measured on {run.name}"
    return EPOCH_SECONDS[base.model.family], f"a typical {base.model.family} epoch here; train once on Train to measure yours"


def _defaults() -> None:
    st.session_state.setdefault(PARAM_KEYS[0], "latent_size")
    st.session_state.setdefault(VALUES_KEYS[0], SUGGESTED["latent_size"])
    st.session_state.setdefault(PARAM_KEYS[1], NONE)
    st.session_state.setdefault(VALUES_KEYS[1], "")
    st.session_state.setdefault(SEEDS_KEY, 2)


def render_builder(disabled: bool) -> SweepPlan | None:
    """The builder's widgets and the plan's size and time estimate; the plan, or None with the reason shown."""
    _defaults()
    label = {key: p.label for key, p in PARAMETERS.items()} | {NONE: "(none)"}
    for index, column in enumerate(st.columns([1, 2, 1, 2])[::2]):
        options = list(PARAMETERS) if index == 0 else [NONE, *PARAMETERS]
        column.selectbox(f"Setting {index + 1}", options, key=PARAM_KEYS[index], format_func=label.__getitem__,
                         on_change=_suggest, args=(index,), disabled=disabled)  # fmt: skip
    left, right = st.columns(2)
    left.text_input("Values of setting 1 (comma-separated)", key=VALUES_KEYS[0], disabled=disabled)
    right.text_input("Values of setting 2", key=VALUES_KEYS[1], disabled=disabled or st.session_state[PARAM_KEYS[1]] == NONE)
    st.slider("Seeds per combination (the spread over seeds becomes the error bars)", 1, MAX_SEEDS, key=SEEDS_KEY,
              disabled=disabled)  # fmt: skip
    try:
        plan = plan_from_state(base_spec())
    except ValueError as error:
        st.error(f"This sweep cannot start: {error}")
        return None
    _render_estimate(plan)
    return plan


def _render_estimate(plan: SweepPlan) -> None:
    service = run_service()
    per_epoch, basis = seconds_per_epoch(plan.base)
    size = f"**{plan.size} runs** ({' × '.join(str(len(v)) for _, v in plan.grid)} values × {plan.seeds} seeds)"
    rate = f"{per_epoch * 1000:.0f} ms per epoch, {basis}"
    if service is not None and service.settings.ray_address:
        total = plan.estimate_seconds(per_epoch, workers=1)  # the cluster's size is only known to the cluster
        cpus = service.settings.ray_cpus_per_run
        st.markdown(f"{size} on the Ray cluster at {service.settings.ray_address}: about **{total:.0f} s** of training "
                    f"in all, shared out over its CPUs ({cpus:g} per run; {rate}).")  # fmt: skip
        return
    workers = service.settings.workers if service is not None else 1
    seconds = plan.estimate_seconds(per_epoch, workers)
    where = f"{workers} local worker{'s' if workers != 1 else ''}"
    st.markdown(f"{size} on {where}: about **{seconds:.0f} s** if the workers are free ({rate}).")
