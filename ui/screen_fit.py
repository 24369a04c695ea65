"""How the app fits every screen where Streamlit has no setting for it: a stylesheet (nothing cut off, readable
captions, no chart toolbars on narrow screens, Train's buttons in reach), rows of columns that wrap instead of
squeezing, and, on a phone, a sidebar that closes after a page link is tapped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

NARROW_PX = 1100  # below this width (projector, tablet, phone) charts lose their toolbar and metrics shrink
WRAP_MIN_PX = {"buttons": 90, "cards": 110, "panels": 260}  # the narrowest a wrapping column of each kind gets
_WRAP_CSS = "\n".join(
    f'[class*="st-key-fit_{kind}_"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}\n'
    f'[class*="st-key-fit_{kind}_"] [data-testid="stColumn"] {{ min-width: min(100%, {px}px); }}'
    for kind, px in WRAP_MIN_PX.items()
)
_CSS = f"""
<style>
/* Rows of cards or charts wrap onto another line instead of squeezing each column (wrapping_columns). */
{_WRAP_CSS}
/* Tab labels wrap onto a second line rather than hide behind a sideways scroll (Draw's four tabs on a phone). */
[data-testid="stTabs"] [role="tablist"] {{ flex-wrap: wrap; row-gap: 0.25rem; }}
/* Button labels and metric values wrap or shrink instead of being cut off with an ellipsis. */
.stButton button p, .stDownloadButton button p, [data-testid="stMetricLabel"] p, [data-testid="stMetricDelta"] p {{
    white-space: normal; overflow-wrap: break-word;
}}
[data-testid="stMetricValue"] > div {{ text-overflow: clip; }}
/* Captions darker than Streamlit's faded grey: 5.9:1 on white (WCAG AA asks 4.5:1). */
.stApp [data-testid="stCaptionContainer"] {{ color: #5b6571; opacity: 1; }}
/* Train's transport buttons stay in reach while the learner scrolls to the charts. */
.st-key-train_transport {{
    position: sticky; top: 3.75rem; z-index: 990; background: var(--background-color, #ffffff); padding: 0.25rem 0;
}}
@media (max-width: {NARROW_PX}px) {{
    .modebar-container {{ display: none !important; }}
    [data-testid="stMetricValue"] {{ font-size: 1.5rem; }}
}}
@media (max-width: 640px) {{
    [data-testid="stMetricValue"] {{ font-size: 1.25rem; }}
    .block-container {{ padding-left: 1rem; padding-right: 1rem; }}
}}
</style>
"""


_CLOSE_SIDEBAR_JS = """
export default function() {
    if (window.__anomalyLabSidebarHook) return;
    window.__anomalyLabSidebarHook = true;
    document.addEventListener('click', (event) => {
        if (window.innerWidth > PHONE_PX || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
        setTimeout(() => {
            const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
            if (close) close.click();
        }, 50);
    }, true);
}
""".replace("PHONE_PX", "640")


@st.cache_resource
def _sidebar_hook() -> Callable[..., Any]:
    """The component, registered once per server."""
    return st.components.v2.component("anomaly_lab_sidebar_hook", js=_CLOSE_SIDEBAR_JS)


def wrapping_columns(kind: Literal["buttons", "cards", "panels"], name: str, spec: int | Sequence[float]) -> list[DeltaGenerator]:
    """`st.columns(spec)` that wrap onto another line rather than get narrower than WRAP_MIN_PX[kind] each."""
    return st.container(key=f"fit_{kind}_{name}").columns(spec)


def add_screen_fit() -> None:
    """Add the stylesheet (takes no room) and, in the sidebar, the script that closes it after navigation on a phone."""
    st.html(_CSS)
    with st.sidebar:
        _sidebar_hook()(key="sidebar_hook")
