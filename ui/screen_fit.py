"""How the app fits every screen where Streamlit has no setting for it: a stylesheet (nothing cut off, readable
captions, no chart toolbars on narrow screens, Train's buttons in reach) and, on a phone, a sidebar that closes
after a page link is tapped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

NARROW_PX = 1100  # below this width (projector, tablet, phone) charts lose their toolbar and metrics shrink
_CSS = f"""
<style>
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


def add_screen_fit() -> None:
    """Add the stylesheet (takes no room) and, in the sidebar, the script that closes it after navigation on a phone."""
    st.html(_CSS)
    with st.sidebar:
        _sidebar_hook()(key="sidebar_hook")
