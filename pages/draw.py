"""Draw page: draw a heartbeat, or bend a real one, and see how the model scores it."""

import streamlit as st

from ui.draw.view import render_draw_page
from ui.entry import ensure_app_entry

ensure_app_entry()

st.title("Draw a heartbeat")
st.markdown(
    "The autoencoder learned to redraw normal heartbeats, so a beat it redraws badly gets a high score. "
    "Draw your own beat, or bend a real one, and watch where its score lands against the threshold."
)
render_draw_page()
