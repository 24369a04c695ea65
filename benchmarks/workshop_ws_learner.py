"""One simulated workshop learner as a Streamlit websocket client: the same steps as `workshop_learner` (open Train,
train the default model, move the Evaluate slider) spoken in the app's own protocol instead of through a browser.

Thirty browsers do not fit beside the server on 2 cores (chromium's rendering takes the CPU the server needs); a
client that speaks the protocol costs a few ms per message. It does what the browser does for the server: it
reruns the script with the widget states a click or key press sends, keeps the address's query string, and
reruns auto-refreshing fragments (`st.fragment(run_every=…)`) at their interval while the page shows them.
Times are taken when the server's messages arrive, so no painting is included.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from workshop_learner import TRAINED_TEXT, Classroom, LearnerPlan, LearnerResult, take_turn

TRAIN_LABEL = "Train"
SLIDER_PREFIX = "Threshold"  # the Evaluate slider's label starts so, linear or log scale
EVALUATE_PAGE = "evaluate"


class StreamlitClient:
    """One Streamlit session over a websocket: what the page shows (buttons, sliders, metric cards, alerts) and
    whether a script run is in progress, updated as messages arrive."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.query = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path → page script hash
        self.buttons: dict[str, str] = {}  # label → widget id
        self.sliders: dict[str, Any] = {}  # label → the slider's proto (id, default, step, max)
        self.slider_values: dict[str, float] = {}  # slider id → the value this client last sent
        self.cards: dict[tuple[int, ...], str] = {}  # delta path → metric value text
        self.texts: list[str] = []  # alert and markdown bodies since `forget_texts`
        self.fragment_of: dict[str, str] = {}  # widget id → the fragment it lives in ("" for none)
        self.running = False
        self._changed = asyncio.Event()
        self._fragments: dict[str, asyncio.Task[None]] = {}
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def open(self, page: str) -> None:
        """Connect and run the page the address names (as a browser opening `/<page>` does)."""
        self._socket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=120)
        self._reader = asyncio.create_task(self._read())
        await self.rerun(page_name=page)

    async def close(self) -> None:
        for task in [*self._fragments.values(), *([self._reader] if self._reader else [])]:
            task.cancel()
        if self._socket is not None:
            await self._socket.close()

    async def rerun(
        self, *, page_name: str = "", page_hash: str | None = None, widget: Any = None, fragment: str = "", auto: bool = False
    ) -> None:
        """Ask for a script run (of one fragment when `fragment`), carrying the query string and, for a click or key
        press, one widget's new state; a widget inside a fragment reruns only that fragment, as in the browser."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash if page_hash is None else page_hash
        state.page_name = page_name
        state.fragment_id = fragment or (self.fragment_of.get(widget.id, "") if widget is not None else "")
        state.is_auto_rerun = auto
        if widget is not None:
            state.widget_states.widgets.append(widget)
        if not auto:
            self.running = True  # until the server says the run finished
        await self._socket.send(message.SerializeToString())

    async def wait_for(self, done: Any, timeout_s: float) -> None:
        """Wait until `done()` holds, re-checking after every message; TimeoutError after `timeout_s`."""
        async with asyncio.timeout(timeout_s):
            while not done():
                self._changed.clear()
                await self._changed.wait()

    async def wait_idle(self, timeout_s: float) -> None:
        await self.wait_for(lambda: not self.running, timeout_s)

    def forget_texts(self) -> None:
        self.texts.clear()

    async def _read(self) -> None:
        async for raw in self._socket:
            message = ForwardMsg()
            message.ParseFromString(raw)
            self._take(message)
            self._changed.set()

    def _take(self, message: Any) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            if not message.metadata.run.fragment_ids:  # a full run: its fragments register their timers again
                self._stop_fragments()
            self.page_hash = message.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            self.page_hash = message.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = message.page_info_changed.query_string
        elif kind == "session_status_changed":
            self.running = message.session_status_changed.script_is_running
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.running = False
        elif kind == "auto_rerun":
            self._start_fragment(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._take_element(tuple(message.metadata.delta_path), message.delta.new_element, message.delta.fragment_id)

    def _take_element(self, path: tuple[int, ...], element: Any, fragment: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "button":
            self.buttons[element.button.label] = element.button.id
            self.fragment_of[element.button.id] = fragment
        elif kind == "slider":
            self.sliders[element.slider.label] = element.slider
            self.fragment_of[element.slider.id] = fragment
        elif kind == "metric":
            self.cards[path] = element.metric.body
        elif kind in ("alert", "markdown"):
            self.texts.append(getattr(element, kind).body)

    def _start_fragment(self, fragment_id: str, interval_s: float) -> None:
        if fragment_id not in self._fragments:
            self._fragments[fragment_id] = asyncio.create_task(self._refresh(fragment_id, interval_s))

    async def _refresh(self, fragment_id: str, interval_s: float) -> None:
        """Rerun one fragment every `interval_s` while no full run is in progress (as the browser's timer does)."""
        while True:
            await asyncio.sleep(interval_s)
            if not self.running:
                await self.rerun(fragment=fragment_id, auto=True)

    def _stop_fragments(self) -> None:
        for task in self._fragments.values():
            task.cancel()
        self._fragments.clear()


def _widget(widget_id: str, **value: Any) -> Any:
    """One WidgetState, e.g. trigger_value=True for a click."""
    state = BackMsg().rerun_script.widget_states.widgets.add()
    state.id = widget_id
    for field, v in value.items():
        if field == "double_array_value":
            state.double_array_value.data.extend(v)
        else:
            setattr(state, field, v)
    return state


def _slider(client: StreamlitClient) -> Any:
    return next((s for label, s in client.sliders.items() if label.startswith(SLIDER_PREFIX)), None)


async def open_and_train(client: StreamlitClient, plan: LearnerPlan, room: Classroom, result: LearnerResult) -> None:
    """Open Train, wait for the whole class, click Train and wait for the trained line."""
    trained = re.compile(TRAINED_TEXT)

    async def open_train() -> None:
        await client.open("train")
        await client.wait_for(lambda: not client.running and TRAIN_LABEL in client.buttons, plan.page_timeout_s)

    async def train() -> float:
        client.forget_texts()
        clicked = time.perf_counter()
        try:
            await client.rerun(widget=_widget(client.buttons[TRAIN_LABEL], trigger_value=True))
            await client.wait_for(lambda: any(trained.search(t) for t in client.texts), plan.train_timeout_s)
        except TimeoutError:
            raise RuntimeError(f"not trained; last texts: {' | '.join(client.texts[-3:])[:300]!r}") from None
        return time.perf_counter() - clicked

    await take_turn(plan, room, result, open_train, train)


async def press_once(client: StreamlitClient, plan: LearnerPlan, room: Classroom, result: LearnerResult) -> None:
    """One step right on the slider: time to changed metric cards, or an unchanged / timed-out press."""
    others = len(room.training - {result.index})
    slider = _slider(client)
    before = dict(client.cards)
    current = client.slider_values.get(slider.id, (list(slider.value) or list(slider.default))[0])
    value = client.slider_values[slider.id] = min(current + slider.step, slider.max)
    pressed = time.perf_counter()
    await client.rerun(widget=_widget(slider.id, double_array_value=[value]))
    try:
        await client.wait_for(lambda: client.cards != before or not client.running, plan.press_timeout_s)
    except TimeoutError:
        result.timed_out_presses += 1
        return
    if client.cards == before:
        result.unchanged_presses += 1
    else:
        result.presses.append((time.perf_counter() - pressed, others))
    await client.wait_idle(plan.press_timeout_s)


async def move_slider(client: StreamlitClient, plan: LearnerPlan, room: Classroom, result: LearnerResult) -> None:
    """Go to Evaluate (the sidebar link), then press the slider while others train (at least `min_presses`)."""
    client.forget_texts()
    await client.rerun(page_name=EVALUATE_PAGE, page_hash=client.pages.get(EVALUATE_PAGE, ""))
    await client.wait_for(lambda: not client.running and _slider(client) is not None, plan.page_timeout_s)
    result.evaluate_model_ok = any("Run 1" in t for t in client.texts)
    for _ in range(plan.max_presses):
        if len(result.presses) >= plan.min_presses and not room.training - {result.index}:
            break
        await press_once(client, plan, room, result)


async def open_first_page(url: str, timeout_s: float) -> float:
    """The teacher opens Home on the fresh server before the class arrives; seconds until its run finished."""
    started = time.perf_counter()
    client = StreamlitClient(url)
    try:
        await client.open("")
        await client.wait_for(lambda: not client.running and any("Current model" in t for t in client.texts), timeout_s)
        return time.perf_counter() - started
    finally:
        await client.close()


async def run_learner(url: str, result: LearnerResult, plan: LearnerPlan, room: Classroom) -> None:
    """One learner in its own websocket session, filling `result`; never raises."""
    client = StreamlitClient(url)
    try:
        await open_and_train(client, plan, room, result)
        await move_slider(client, plan, room, result)
    except Exception as error:  # noqa: BLE001  a learner's failure is a result, not the end of the benchmark
        result.error = f"{type(error).__name__}: {str(error).splitlines()[0][:300] if str(error) else ''}"
    finally:
        await client.close()
