"""The sidebar card that shows the session's current model on every page."""

from __future__ import annotations

import streamlit as st

from ui.state import active_model, architecture_label


def render_model_card() -> None:
    """Architecture in one line, epochs trained and test AUC of the current model."""
    current = active_model()
    with st.sidebar:
        st.caption("Current model")
        st.markdown(f"**{current.name}**")
        st.text(architecture_label(current.config))
        st.text(f"{current.epochs} epochs · test AUC {current.summary.auc:.3f}")
