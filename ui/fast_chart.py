"""Show a figure built as plain plotly JSON (`ui.figures.FigureSpec`): st.plotly_chart without plotly's object tree.

`st.plotly_chart(go.Figure)` validates the figure, deep-copies it with its template and encodes it again on every
rerun: 15-35 ms per chart on a busy 2-core machine, for every chart a slider move redraws. A spec is a dict the
builders fill in plotly's JSON form; it is handed to Streamlit as an already validated figure, so the only cost left
is one JSON encoding (orjson's, when installed). Streamlit's theme applies as before: the spec carries its template.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
from _plotly_utils.utils import convert_to_base64
from streamlit.delta_generator import DeltaGenerator

from ui.figures import FigureSpec


@st.cache_resource(show_spinner=False)
def _theme_template() -> dict[str, Any]:
    """Streamlit's plotly template as JSON (what every go.Figure carries by default), read once per server."""
    return pio.templates[pio.templates.default].to_plotly_json()


class _BuiltFigure(go.Figure):
    """A go.Figure in name only: Streamlit asks it for `to_dict()` and gets the spec, with no validation or copy."""

    def __init__(self, spec: FigureSpec) -> None:  # no plotly __init__: nothing to build or validate
        object.__setattr__(self, "_spec", spec)

    def to_dict(self) -> dict[str, Any]:
        spec: FigureSpec = object.__getattribute__(self, "_spec")
        return spec


def show_chart(spec: FigureSpec, *, key: str, target: DeltaGenerator | None = None, **options: Any) -> None:
    """`st.plotly_chart` (or `target.plotly_chart`) of a spec; numpy arrays travel as compact typed arrays."""
    spec["layout"].setdefault("template", _theme_template())
    convert_to_base64(spec["data"])  # in place: a spec shown again (cached) is encoded once
    (st if target is None else target).plotly_chart(_BuiltFigure(spec), key=key, **options)
