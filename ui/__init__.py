"""Streamlit-facing helpers: session state, shared charts and widgets."""
