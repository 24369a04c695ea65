"""Every page of the app runs under AppTest from the entry point without an exception."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def test_every_page_is_in_the_navigation() -> None:
    app = (ROOT / "app.py").read_text()
    assert PAGES and all(f'"{page}"' in app for page in PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_from_the_app(page: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, f"{page} shows no title"
