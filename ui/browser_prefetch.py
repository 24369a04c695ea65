"""The code the other pages' elements need, loaded by the browser while the first page sits idle.

Streamlit's frontend loads the code of an element kind the first time a page shows one: plotly's chart is 4.7 MB
(~0.7 s of the browser's time on 2 cores), the dataframe 0.5 MB, the code box's syntax highlighter 1.6 MB (Train's
link box has one, even closed). Home shows none of them, so the first page that does would wait for it. Home asks
the browser to import them once it has been idle for a second, one at a time: the very modules (same URLs, beside
Streamlit's entry script) Streamlit imports later, so each runs once. A Streamlit without a file of that name
(another release) simply skips it.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import streamlit as st

ELEMENT_CODE = ("PlotlyChart", "DataFrame", "StreamlitSyntaxHighlighter", "NumberInput")  # the other pages use, Home does not
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"
IDLE_DELAY_MS = 1000


@functools.cache
def element_code_files() -> tuple[str, ...]:
    """The file names (hashed per Streamlit release) of ELEMENT_CODE's modules in this Streamlit."""
    names = []
    for element in ELEMENT_CODE:
        found = [path.name for path in STATIC_JS.glob(f"{element}.*.js")]
        if len(found) == 1 and re.fullmatch(r"[\w.-]+\.js", found[0]):
            names.append(found[0])
    return tuple(names)


def load_other_pages_code_when_idle() -> None:
    """Have the browser import ELEMENT_CODE's modules, one per idle moment, a second after this page is drawn."""
    files = element_code_files()
    if not files:
        return
    script = f"""<script>(() => {{
      if (window.__anomalyLabPrefetch) return;
      window.__anomalyLabPrefetch = true;
      const entry = document.querySelector('script[type="module"][src*="static/js/index."]');
      if (!entry) return;
      const files = {json.dumps(list(files))};
      const whenIdle = (work) => (window.requestIdleCallback || setTimeout)(work, {{timeout: 4000}});
      const next = () => {{
        const file = files.shift();
        if (file) whenIdle(() => import(new URL("./" + file, entry.src).href).catch(() => {{}}).then(next));
      }};
      setTimeout(next, {IDLE_DELAY_MS});
    }})();</script>"""
    st.html(script, unsafe_allow_javascript=True)
