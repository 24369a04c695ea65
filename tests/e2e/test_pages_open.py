"""Every page opens in a real browser with no exception box and no console errors."""

import pytest

from tests.e2e.conftest import assert_healthy, open_page, screenshot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("path", ["", "data", "train", "evaluate", "draw", "compare", "teacher"])
def test_page_opens_cleanly(page, path: str) -> None:
    open_page(page, path)
    page.get_by_role("heading").first.wait_for()
    assert_healthy(page)
    screenshot(page, f"page-{path or 'home'}")
