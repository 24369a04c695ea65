"""Train page: compose an autoencoder, set its training, and watch it learn normal heartbeats live."""

import streamlit as st

from ui.entry import ensure_app_entry
from ui.train.view import render_train_page

ensure_app_entry()

st.title("Train an autoencoder")
st.markdown(
    "An autoencoder squeezes each heartbeat through a small bottleneck and rebuilds it; trained on normal beats, "
    "it rebuilds them well and abnormal ones badly. Compose the network, press **Train**, and watch the reconstruction "
    "errors of normal and abnormal test beats pull apart."
)
render_train_page()
