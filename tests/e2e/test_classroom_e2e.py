"""Classroom links in a real browser: a teacher's link hides and locks Train controls and shows the lesson as text."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_healthy, open_page, screenshot, wait_for_app

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
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Question: what is the largest learning rate")
    expect(page.locator(".st-key-w_optimizer input")).to_be_disabled()
    assert page.locator(".st-key-w_latent").count() == 0
    open_page(page, "teacher")
    expect(page.get_by_test_id("stCode").first).to_contain_text(f"{page.app_url}/?page=train")
    assert_healthy(page)
