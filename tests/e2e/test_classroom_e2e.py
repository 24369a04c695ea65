"""Classroom links in a real browser: a teacher's link hides and locks Train controls and shows the lesson as text."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from harness.browser import wait_for_app
from tests.e2e.conftest import assert_healthy, open_page, screenshot

pytestmark = pytest.mark.e2e

LESSON = "Is <b>this</b> bold? <script>document.title='hacked'</script>"


def test_a_classroom_link_opens_the_train_page_as_the_teacher_set_it(page) -> None:
    open_page(page, f"?page=train&hide=layers,optimizer&lock=seed&lr=0.01&lesson={quote(LESSON)}")  # as Teacher writes it
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(LESSON, exact=True)).to_be_visible()  # the tags are shown as typed, not rendered
    assert page.title() != "hacked"
    expect(page.locator(".st-key-w_epochs")).to_be_visible()
    assert "/train?" in page.url
    assert page.locator(".st-key-w_optimizer").count() == 0 and page.locator(".st-key-w_latent").count() == 0
    expect(page.locator(".st-key-w_seed input")).to_be_disabled()
    expect(page.locator(".st-key-w_loss")).to_be_visible()
    screenshot(page, "classroom-train")
    assert_healthy(page)


def test_a_garbage_link_opens_with_a_notice(page) -> None:
    open_page(page, "train?lr=abc&layers=-3&x=%3Cscript%3E")
    notice = page.get_by_test_id("stAlertContentWarning").filter(has_text="could not be used")
    expect(notice).to_contain_text("lr='abc'")
    expect(notice).to_contain_text("x='<script>'")
    expect(page.locator(".st-key-w_units_0 input")).to_have_value("64")
    assert_healthy(page)


def test_a_lesson_link_on_home_opens_its_setup_and_the_teacher_link_points_at_this_server(page) -> None:
    open_page(page)
    page.get_by_role("link", name="Learning rate too high").click()
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Question: what is the largest rate on the slider")
    expect(page.locator(".st-key-w_optimizer input")).to_be_disabled()
    assert page.locator(".st-key-w_latent").count() == 0
    open_page(page, "teacher")
    expect(page.get_by_test_id("stCode").first).to_contain_text(f"{page.app_url}/?page=train")
    assert_healthy(page)


def test_copy_link_and_json_file_carry_the_train_settings(page, tmp_path) -> None:
    open_page(page, "?page=train&epochs=7&lr=0.01")
    page.get_by_text("Copy link to these settings").first.click()
    link = page.get_by_test_id("stCode").last.inner_text().strip()
    assert "epochs=7" in link and "lr=0.01" in link and link.startswith(page.app_url)
    with page.expect_download() as download_info:
        page.locator(".st-key-share_download button").click()
    saved = tmp_path / "settings.json"
    download_info.value.save_as(saved)
    assert '"epochs": 7' in saved.read_text()
    open_page(page, "train")  # a new session with the defaults ...
    expect(page.locator(".st-key-w_epochs input")).to_have_value("40")
    page.get_by_text("Copy link to these settings").first.click()
    page.locator(".st-key-share_upload input[type='file']").set_input_files(str(saved))
    expect(page.get_by_text("Settings loaded from the file")).to_be_visible()  # ... gets them back from the file
    expect(page.locator(".st-key-w_epochs input")).to_have_value("7")
    screenshot(page, "share-controls")
    assert_healthy(page)
