"""A server started by hand from another folder, with nothing but a port: it still listens on 127.0.0.1 only and
still refuses uploads over the app's 25 MB (Streamlit finds .streamlit/config.toml beside app.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness.app_server import start_server, stop_server
from harness.browser import wait_for_app
from tests.e2e.conftest import _require_browser
from ui.server_settings import configured_upload_mb

pytestmark = pytest.mark.e2e
MB = 1024 * 1024


def listening_addresses(port: int) -> set[str]:
    """The local addresses that sockets listening on `port` are bound to (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


@pytest.fixture(scope="module")
def foreign_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # no .streamlit folder here
    process, url = start_server(cwd=elsewhere)
    yield url
    stop_server(process)


def test_a_server_started_elsewhere_binds_loopback_only(foreign_server: str) -> None:
    port = int(foreign_server.rsplit(":", 1)[1])
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and no wildcard or IPv6 socket


def test_a_server_started_elsewhere_refuses_uploads_over_the_limit(foreign_server: str, browser, tmp_path: Path) -> None:
    limit = configured_upload_mb()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(foreign_server)
        wait_for_app(page)
        page.get_by_test_id("stSidebar").get_by_text("Model file", exact=True).click()
        uploader = page.locator(".st-key-model_upload")
        assert f"{limit}MB per file" in uploader.inner_text()
        small = tmp_path / "small.safetensors"
        small.write_bytes(b"not a model")
        with page.expect_request(lambda r: "/_stcore/upload_file/" in r.url and r.method == "PUT") as sent:
            uploader.locator("input[type='file']").set_input_files(str(small))
        upload_url, xsrf = sent.value.url, sent.value.headers.get("x-xsrftoken", "")

        def put(size: int) -> int:
            body = {"file": {"name": "beats.safetensors", "mimeType": "application/octet-stream", "buffer": b"0" * size}}
            return page.request.put(upload_url, headers={"X-Xsrftoken": xsrf}, multipart=body).status

        assert put(MB) < 300  # the same request, within the limit, is accepted
        assert put((limit + 2) * MB) == 413  # over it, the server refuses
    finally:
        context.close()


def test_a_server_whose_upload_limit_was_raised_serves_no_page(browser, tmp_path: Path) -> None:
    process, url = start_server(env={"STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "200"}, cwd=tmp_path)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        wait_for_app(page)
        alert = page.get_by_test_id("stAlert")
        expect(alert).to_contain_text("accepts uploads of 200 MB")
        assert "--server.maxUploadSize 25" in alert.inner_text()
        assert page.locator("h1").count() == 0  # no page title: no page ran
    finally:
        context.close()
        stop_server(process)
