"""In-page timing for bench_latency.py: from one user action (key press, mouse-up, click) to what it changed on screen.

A script installed in every page of a browser context stamps, with the browser's own clock and at the next animation
frame (the frame that paints it):
- `first`: when the text of the watched elements first differs from their text at the action;
- `done`: when the rerun has finished and the page has stopped changing: the later of the last message the server
  sent for it and the last change inside the app's main area or sidebar (e.g. a chart's redrawn markers).
Python arms the probe, performs the action, and waits until the page has been quiet for a moment.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np

QUIET_MS = 300  # the page counts as settled once nothing changed for this long after the rerun finished

PROBE_JS = """(() => {
  if (window.__probe) return;
  const probe = window.__probe = {armedFor: null, selector: null, t0: null, before: null, firstAt: null, lastAt: null,
                                  sends: [], receives: []};
  const text = () => [...document.querySelectorAll(probe.selector || ':not(*)')].map(e => e.textContent).join('|');
  const frame = (fn) => requestAnimationFrame(() => fn(performance.now()));
  const Native = window.WebSocket;  // the app's messages: a request goes out, the rerun's deltas come back
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { if (probe.t0 !== null) probe.receives.push(performance.now()); });
    }
    send(data) { if (probe.t0 !== null) probe.sends.push(performance.now()); return super.send(data); }
  };
  probe.start = (type, at) => {  // `at`: the action's time on the shared clock (timeOrigin + now), from any frame
    if (probe.armedFor !== type) return;
    probe.armedFor = null;
    const t0 = at - performance.timeOrigin;
    Object.assign(probe, {t0, before: text(), firstAt: null, lastAt: t0, sends: [], receives: []});
  };
  const start = (event) => {  // a component's frame passes its events up to the top page's probe
    const at = performance.timeOrigin + performance.now();
    try { (window.top.__probe || probe).start(event.type, at); } catch (error) { probe.start(event.type, at); }
  };
  for (const type of ['keydown', 'mouseup', 'click']) document.addEventListener(type, start, true);
  const watch = (records) => {
    if (probe.t0 === null) return;
    const inApp = records.some(r => {
      const element = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      return element && element.closest('[data-testid="stMain"], [data-testid="stSidebar"]');
    });
    const now = probe.firstAt === null ? text() : null;
    frame(t => {
      if (inApp) probe.lastAt = t;
      if (probe.firstAt === null && now !== null && now !== probe.before) probe.firstAt = t;
    });
  };
  const observe = () => new MutationObserver(watch).observe(document.documentElement,
      {subtree: true, childList: true, characterData: true, attributes: true});
  if (document.documentElement) observe(); else document.addEventListener('DOMContentLoaded', observe);
})()"""

SETTLED_JS = """([quiet, needFirst]) => {
  const p = window.__probe;
  if (!p || p.t0 === null || p.receives.length === 0 || (needFirst && p.firstAt === null)) return false;
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app && app.getAttribute('data-test-script-state') !== 'running';
  return idle && performance.now() - Math.max(p.lastAt, p.receives[p.receives.length - 1]) > quiet;
}"""


@dataclass(frozen=True)
class Timing:
    """One action: ms to the first change of the watched text (None if it did not change) and to the settled page."""

    first_ms: float | None
    done_ms: float
    updates_ms: tuple[float, ...]  # for each request the page sent: ms until the last message answering it


def install(context: Any) -> None:
    """Install the probe in every page a browser context opens (it survives reloads)."""
    context.add_init_script(PROBE_JS)


def arm(page: Any, event: str, selector: str) -> None:
    """The next `event` ('keydown', 'mouseup' or 'click') starts the clock; `selector` names the text to watch.

    The page comes to the front first: a page behind the others gets no animation frames, so no stamps.
    """
    page.bring_to_front()
    page.evaluate("([event, selector]) => { window.__probe.armedFor = event; window.__probe.selector = selector; }",
                  [event, selector])  # fmt: skip


def settle(page: Any, *, need_first: bool = False, timeout_ms: float = 60_000) -> Timing:
    """Wait until the rerun the action started has finished and the page is quiet; the action's timing."""
    try:
        page.wait_for_function(SETTLED_JS, arg=[QUIET_MS, need_first], polling=50, timeout=timeout_ms)
    except Exception as error:
        state = page.evaluate("() => JSON.stringify({...window.__probe, now: performance.now()})")
        raise RuntimeError(f"{page.url}: the action never settled; probe {state}") from error
    probe = page.evaluate("() => window.__probe")
    t0 = probe["t0"]
    first = None if probe["firstAt"] is None else probe["firstAt"] - t0
    return Timing(first, max(probe["lastAt"], probe["receives"][-1]) - t0, _updates(probe["sends"], probe["receives"]))


def updates_so_far(page: Any) -> tuple[float, ...]:
    """For each request the page has sent since the action, ms until the last message answering it (so far): a
    page that keeps polling never settles, so its updates are read while it runs."""
    probe = page.evaluate("() => window.__probe")
    return _updates(probe["sends"], probe["receives"])


def _updates(sends: list[float], receives: list[float]) -> tuple[float, ...]:
    """For each request the page sent, ms until the last message that came back before its next request."""
    durations = []
    for begin, end in zip(sends, [*sends[1:], float("inf")]):
        answers = [t for t in receives if begin <= t < end]
        if answers:
            durations.append(answers[-1] - begin)
    return tuple(durations)


def wait_idle(page: Any, timeout_ms: float = 60_000) -> None:
    """The app's script is not running and the browser has painted twice since."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def p90(values: list[float]) -> float:
    return float(np.percentile(values, 90)) if values else float("nan")
