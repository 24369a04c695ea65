"""Two app replicas behind nginx with the runs in PostgreSQL (deploy/workshop.py's stack, on loopback):
sticky sessions, uploads through nginx, and a learner whose replica is killed finds their runs on the other one."""

from __future__ import annotations

import re
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from deploy.workshop import kill_replica, nginx_binary, save_stack, start_nginx, start_stack, stop_process, stop_stack
from harness.app_server import free_port
from harness.browser import wait_for_app
from harness.postgres import PostgresServer
from tests.databases import new_database, require
from tests.e2e.conftest import _require_browser, assert_healthy, click_settled, screenshot

pytestmark = pytest.mark.e2e
REPLICA_HEADER = "x-lab-replica"


def served_by(header: str) -> str:
    """The replica that answered: nginx lists every upstream it tried ("dead, survivor"), the last one served."""
    return header.split(",")[-1].strip()


def _nginx_installed() -> bool:
    try:
        return bool(nginx_binary())
    except RuntimeError:
        return False


@pytest.fixture(scope="module")
def stack(postgres_server: PostgresServer) -> Iterator[dict]:
    _require_browser()
    require(_nginx_installed(), "nginx is not installed (apt-get install nginx)")
    state = Path(tempfile.mkdtemp(prefix="anomaly-lab-stack-"))
    started = start_stack(state, replicas=2, port=free_port(), database_url=new_database(postgres_server), workers=1)
    started["state"] = str(state)
    yield started
    stop_stack(state)


def fetch(url: str, cookie: str | None = None) -> tuple[str, str | None]:
    """GET `url` through nginx: (the replica that answered, the affinity cookie nginx set, if any)."""
    request = urllib.request.Request(url, headers={"Cookie": f"lab_replica={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        set_cookie = response.headers.get("Set-Cookie") or ""
        match = re.search(r"lab_replica=([0-9a-f]+)", set_cookie)
        return served_by(response.headers[REPLICA_HEADER]), match.group(1) if match else None


def test_the_same_cookie_reaches_the_same_replica_even_across_an_nginx_restart(stack: dict) -> None:
    first, cookie = fetch(stack["url"])
    assert cookie is not None
    assert {fetch(stack["url"], cookie)[0] for _ in range(10)} == {first}
    assert fetch(stack["url"], cookie)[1] is None  # set once, not on every answer
    assert len({fetch(stack["url"])[0] for _ in range(30)}) == 2  # new browsers are spread over both replicas
    stop_process(stack["nginx"])
    stack["nginx"] = start_nginx(Path(stack["state"]), [int(p) for p in stack["replicas"]], stack["port"])
    save_stack(Path(stack["state"]), stack)
    assert fetch(stack["url"], cookie)[0] == first  # the key is in the browser: pins survive nginx


def _context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


def _open(page, url: str) -> str:
    """Open `url` and wait for the app; the replica that served the page."""
    response = page.goto(url)
    wait_for_app(page)
    return served_by(response.headers[REPLICA_HEADER])


def test_two_browsers_stay_pinned_across_reloads(browser, stack: dict) -> None:
    contexts = [_context(browser) for _ in range(2)]
    try:
        for _, page in contexts:
            served = {_open(page, stack["url"]) for _ in range(3)}
            assert len(served) == 1
            expect(page.get_by_text("Anomaly Lab").first).to_be_visible()
            assert_healthy(page)
    finally:
        for context, _ in contexts:
            context.close()


def test_a_csv_upload_through_nginx_is_scored(browser, stack: dict, ecg, tmp_path: Path) -> None:
    beats = tmp_path / "beats.csv"
    np.savetxt(beats, ecg.signals[:5], delimiter=",")
    context, page = _context(browser)
    try:
        _open(page, f"{stack['url']}/draw")
        scored = page.get_by_test_id("stMetric").filter(has_text="Beats scored").get_by_test_id("stMetricValue")
        for _ in range(3):  # the page may rerun once more as it settles (first visit, canvas width): upload again then
            wait_for_app(page)
            page.get_by_role("tab", name=re.compile("Score a CSV")).click()
            page.locator(".st-key-draw_bulk_file input[type='file']").set_input_files(str(beats))
            try:
                expect(scored).to_have_text("5", timeout=20_000)
                break
            except AssertionError:
                continue
        expect(scored).to_have_text("5")
        assert_healthy(page)
    finally:
        context.close()


def test_a_run_trained_on_one_replica_opens_on_the_other_after_it_is_killed(browser, stack: dict) -> None:
    (context, page), (other_context, other) = _context(browser), _context(browser)
    try:
        first = _open(page, f"{stack['url']}/train")
        click_settled(page, "preset_good_default")
        click_settled(page, "train_button")
        card = page.get_by_test_id("stSidebar")
        expect(card.get_by_text("40 epochs · test AUC")).to_be_visible(timeout=90_000)
        wait_for_app(page)
        assert "session=" in page.url
        survivor = next(port for port in stack["replicas"] if not first.endswith(f":{port}"))
        while _open(other, stack["url"]) != first:  # a second learner on the same replica
            other_context.clear_cookies()
        kill_replica(stack["replicas"][first.rsplit(":", 1)[1]])
        for learner in (page, other):  # both keep working: nginx sends them to the survivor
            assert _open(learner, learner.url) == f"127.0.0.1:{survivor}"
        expect(card.get_by_text("40 epochs · test AUC")).to_be_visible(timeout=20_000)  # the run, from the database
        expect(card.locator("strong", has_text="Run 1")).to_be_visible()
        assert_healthy(page)
        screenshot(page, "replica-failover")
    finally:
        context.close()
        other_context.close()
