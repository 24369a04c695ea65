"""A tiny in-page script beside the canvas: it reports the column's width (the canvas is sized from it), makes
Ctrl+Z / Cmd+Z press the canvas toolbar's own Undo button (the canvas has undo, but no keyboard shortcut for it), and
presses its Send button as a stroke ends (the canvas itself sends a drawing 200 ms after the last stroke)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

WIDTH_KEY = "draw_column_width"
_JS = """
export default function(component) {
    const { parentElement, setStateValue } = component;
    const host = parentElement.host || parentElement;
    const column = host.closest('[data-testid="stVerticalBlock"]') || host.parentElement;
    let last = 0;
    let timer = null;
    const send = () => {  // only real layout changes: a scrollbar coming and going must not redraw the canvas
        const width = Math.floor(column.getBoundingClientRect().width);
        if (width <= 0 || Math.abs(width - last) < 40) return;
        last = width;
        setStateValue('width', width);
    };
    const report = () => { clearTimeout(timer); timer = setTimeout(send, 250); };  // once the layout has settled
    const first = requestAnimationFrame(send);  // the first width at once: the page shows no canvas until it knows it
    const observer = new ResizeObserver(report);
    observer.observe(column);
    const toolbarButton = (label) => {  // the canvas toolbar's button named `label`, in the page or a shadow root
        for (const root of [document, ...[...document.querySelectorAll('*')].map((e) => e.shadowRoot).filter(Boolean)]) {
            const button = root.querySelector(`.dc-root button[aria-label="${label}"]`);
            if (button) return button;
        }
        return null;
    };
    const undo = (event) => {
        if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.key.toLowerCase() !== 'z') return;
        const target = event.target;
        if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
        const button = toolbarButton('Undo');
        if (button) { event.preventDefault(); if (!button.disabled) button.click(); }
    };
    document.addEventListener('keydown', undo);
    let stroking = false;  // a stroke that began on the canvas: at its end, send it now (the canvas waits 200 ms)
    const down = (event) => { stroking = event.composedPath().some((e) => e.classList && e.classList.contains('upper-canvas')); };
    const up = () => {
        if (!stroking) return;
        stroking = false;
        setTimeout(() => {  // after the canvas has kept the stroke
            const button = toolbarButton('Update the app with this drawing');
            if (button && !button.disabled) button.click();
        }, 0);
    };
    document.addEventListener('pointerdown', down, true);
    for (const type of ['mouseup', 'touchend']) document.addEventListener(type, up, true);
    return () => {
        cancelAnimationFrame(first); clearTimeout(timer); observer.disconnect(); document.removeEventListener('keydown', undo);
        document.removeEventListener('pointerdown', down, true);
        for (const type of ['mouseup', 'touchend']) document.removeEventListener(type, up, true);
    };
}
"""


@st.cache_resource
def _hooks() -> Callable[..., Any]:
    """The component, registered once per server."""
    return st.components.v2.component("anomaly_lab_canvas_hooks", js=_JS)


def column_width() -> int | None:
    """Mount the hooks; the width in px of the column they sit in, None until the browser has reported it."""
    result = _hooks()(key=WIDTH_KEY, on_width_change=lambda: None)
    width = getattr(result, "width", None)
    return int(width) if isinstance(width, int | float) and width > 0 else None
