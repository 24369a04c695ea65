"""One simulated workshop learner in a real browser context: open Train, train the default model, move the Evaluate slider.

Every time is taken by the page's own clock (performance.now), so a busy benchmark process does not inflate it.
Used by `bench_workshop.py`; works on today's app and on the old in-thread one (same keys and texts).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

TRAIN_BUTTON = ".st-key-train_button button"
SLIDER_LABEL = "Threshold (reconstruction error)"
EVALUATE_LINK = "[data-testid='stSidebarNavLink']"
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
APP_CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
TRAINED_TEXT = r": trained \d+ epochs\."  # the Train page's success line, in both versions

# In the page: stamps of the Train click and of the frame that first paints the "trained" line; per key press, its
# stamp, whether a rerun started and ended after it, and the frame that first paints changed metric cards.
WATCH = """(trainedText) => {
    const trained = new RegExp(trainedText);
    const app = () => document.querySelector('[data-testid="stApp"]');
    const cards = () => [...document.querySelectorAll('[data-testid="stMetricValue"]')].map(e => e.innerText).join('|');
    const lab = window.__lab = {clickAt: null, trainedAt: null, press: null, alerts: ''};
    const paint = (set) => requestAnimationFrame(() => set(performance.now()));
    document.addEventListener('click', (event) => {
        if (event.target.closest('.st-key-train_button')) { lab.clickAt = performance.now(); lab.trainedAt = null; }
    }, true);
    document.addEventListener('keydown', () => {
        lab.press = {at: performance.now(), from: cards(), ran: false, doneAt: null, shown: null, shownAt: null};
    }, true);
    new MutationObserver((records) => {
        if (lab.clickAt !== null && lab.trainedAt === null) {
            const alerts = [...document.querySelectorAll('[data-testid="stAlert"]')].map(a => a.innerText).join(' | ');
            lab.alerts = alerts;
            if (trained.test(alerts)) { lab.trainedAt = -1; paint(t => { lab.trainedAt = t; }); }
        }
        const press = lab.press;
        if (press === null) return;
        for (const r of records) {
            if (r.type !== 'attributes') continue;
            if (r.target.getAttribute('data-test-script-state') === 'running') press.ran = true;
            else if (r.oldValue === 'running' && press.ran && press.doneAt === null) press.doneAt = performance.now();
        }
        if (press.shown === null && app()) {
            const now = cards();
            if (now !== press.from) { press.shown = now; paint(t => { press.shownAt = t; }); }
        }
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""
PRESS_SETTLED = """() => { const p = window.__lab.press;
    return p !== null && (p.shown !== null ? p.shownAt !== null : p.doneAt !== null); }"""
TRAINED = "() => window.__lab.trainedAt !== null && window.__lab.trainedAt >= 0"
TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass
class Classroom:
    """What the learners share: who is training now, and the moment all may click Train."""

    size: int
    training: set[int] = field(default_factory=set)
    ready: int = 0
    go: asyncio.Event = field(default_factory=asyncio.Event)

    def arrived(self) -> None:
        """One more learner has the Train page open (or gave up); the last one starts the class."""
        self.ready += 1
        if self.ready >= self.size:
            self.go.set()


@dataclass
class LearnerResult:
    """What one learner saw; times in seconds, None when that step did not happen within its bound."""

    index: int
    opened_s: float | None = None  # goto → Train page idle
    train_s: float | None = None  # Train click → "trained" painted
    evaluate_model_ok: bool = False  # the sidebar named the trained run on Evaluate
    presses: list[tuple[float, int]] = field(default_factory=list)  # (key press → new cards, others training)
    unchanged_presses: int = 0
    timed_out_presses: int = 0
    error: str | None = None


@dataclass(frozen=True)
class LearnerPlan:
    """Bounds and pacing of every learner."""

    url: str
    open_delay_s: float
    click_jitter_s: float
    page_timeout_s: float
    train_timeout_s: float
    press_timeout_s: float
    min_presses: int
    max_presses: int


async def wait_idle(page: Any, timeout_s: float) -> None:
    """Connected, script finished, no skeleton left, and two frames painted."""
    ms = timeout_s * 1000
    await page.wait_for_selector(APP_CONNECTED, timeout=ms)
    await page.wait_for_selector(APP_IDLE, timeout=ms)
    await page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=ms)
    await page.evaluate(TWO_FRAMES)


async def take_turn(
    plan: LearnerPlan, room: Classroom, result: LearnerResult,
    open_train: Callable[[], Awaitable[None]], train: Callable[[], Awaitable[float]],
) -> None:  # fmt: skip
    """The class's pacing around a learner's first two steps, whatever the client: arrive (`open_train`, timed),
    wait for the whole class, click Train after the learner's jitter (`train` returns click → trained, s)."""
    await asyncio.sleep(plan.open_delay_s)
    started = time.perf_counter()
    try:
        await open_train()
        result.opened_s = time.perf_counter() - started
    finally:
        room.arrived()
    await room.go.wait()
    await asyncio.sleep(plan.click_jitter_s)
    room.training.add(result.index)
    try:
        result.train_s = await train()
    finally:
        room.training.discard(result.index)


async def open_and_train(page: Any, plan: LearnerPlan, room: Classroom, result: LearnerResult) -> None:
    """Open Train, wait for the whole class, click Train and wait for the trained line."""

    async def open_train() -> None:
        await page.goto(f"{plan.url}/train", timeout=plan.page_timeout_s * 1000)
        await page.evaluate(WATCH, TRAINED_TEXT)
        await wait_idle(page, plan.page_timeout_s)

    async def train() -> float:
        try:
            await page.locator(TRAIN_BUTTON).click(timeout=plan.page_timeout_s * 1000)
            await page.wait_for_function(TRAINED, timeout=plan.train_timeout_s * 1000, polling=100)
            lab = await page.evaluate("() => window.__lab")
            return (lab["trainedAt"] - lab["clickAt"]) / 1000
        except Exception:
            lab = await page.evaluate("() => window.__lab")
            raise RuntimeError(f"not trained; alerts: {lab.get('alerts', '')[:300]!r}") from None

    await take_turn(plan, room, result, open_train, train)


async def press_once(page: Any, plan: LearnerPlan, room: Classroom, result: LearnerResult) -> None:
    """One ArrowRight on the focused slider: time to changed cards, or an unchanged / timed-out press."""
    others = len(room.training - {result.index})
    await page.keyboard.press("ArrowRight")
    try:
        await page.wait_for_function(PRESS_SETTLED, timeout=plan.press_timeout_s * 1000, polling="raf")
    except Exception:
        result.timed_out_presses += 1
        return
    press = await page.evaluate("() => window.__lab.press")
    if press["shown"] is None:
        result.unchanged_presses += 1
    else:
        result.presses.append(((press["shownAt"] - press["at"]) / 1000, others))


async def move_slider(page: Any, plan: LearnerPlan, room: Classroom, result: LearnerResult) -> None:
    """Go to Evaluate through the sidebar, then press the slider while others train (at least `min_presses`)."""
    await page.locator(EVALUATE_LINK, has_text="Evaluate").click(timeout=plan.page_timeout_s * 1000)
    slider = page.get_by_role("slider", name=SLIDER_LABEL)
    await slider.wait_for(timeout=plan.page_timeout_s * 1000)
    await wait_idle(page, plan.page_timeout_s)
    sidebar = await page.locator("[data-testid='stSidebar']").inner_text(timeout=plan.page_timeout_s * 1000)
    result.evaluate_model_ok = "Run 1" in sidebar
    await slider.focus()
    for _ in range(plan.max_presses):
        if len(result.presses) >= plan.min_presses and not room.training - {result.index}:
            break
        await wait_idle(page, plan.press_timeout_s)
        await press_once(page, plan, room, result)


async def open_first_page(browser: Any, url: str, timeout_s: float) -> float:
    """The teacher opens Home on the fresh server before the class arrives; seconds until it is idle."""
    started = time.perf_counter()
    context = await browser.new_context(viewport={"width": 1400, "height": 1600})
    try:
        page = await context.new_page()
        await page.goto(url, timeout=timeout_s * 1000)
        await wait_idle(page, timeout_s)
        await page.get_by_text("Current model").first.wait_for(timeout=timeout_s * 1000)  # app.py ran, not the page alone
        return time.perf_counter() - started
    finally:
        await context.close()


async def run_learner(browser: Any, result: LearnerResult, plan: LearnerPlan, room: Classroom) -> None:
    """One learner in its own browser context (its own Streamlit session), filling `result`; never raises."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1600})
    try:
        page = await context.new_page()
        await open_and_train(page, plan, room, result)
        await move_slider(page, plan, room, result)
    except Exception as error:  # noqa: BLE001  a learner's failure is a result, not the end of the benchmark
        result.error = f"{type(error).__name__}: {str(error).splitlines()[0][:300]}"
    finally:
        await context.close()
