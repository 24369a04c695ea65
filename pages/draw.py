"""Draw page: draw a heartbeat, or bend a real one, and see how the model scores it."""

import streamlit as st

from ui.draw_gallery import render_bulk, render_gallery
from ui.draw_scoring import render_threshold
from ui.draw_tabs import render_bend_tab, render_draw_tab
from ui.entry import ensure_app_entry
from ui.state import active_model

ensure_app_entry()


def render() -> None:
    """Threshold, then four tabs: draw, bend a test beat, the gallery, and scoring a CSV."""
    current = active_model()
    st.caption(f"Scoring with **{current.name}**.")
    threshold = render_threshold(current)
    draw, bend, saved, bulk = st.tabs(
        [
            ":material/draw: Draw a beat",
            ":material/tune: Bend a test beat",
            ":material/collections: Gallery",
            ":material/upload_file: Score a CSV",
        ]
    )
    with draw:
        render_draw_tab(current, threshold)
    with bend:
        render_bend_tab(current, threshold)
    with saved:
        render_gallery(current, threshold)
    with bulk:
        render_bulk(current, threshold)


st.title("Draw a heartbeat")
st.markdown(
    "The autoencoder learned to redraw normal heartbeats, so a beat it redraws badly gets a high score. "
    "Draw your own beat, or bend a real one, and watch where its score lands against the threshold."
)
render()
