"""Home has the browser load the code of the other pages' elements (plotly, dataframes, …) once it is idle."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.browser_prefetch import ELEMENT_CODE, STATIC_JS, element_code_files

ROOT = Path(__file__).resolve().parents[1]


def test_every_element_kind_has_its_module_in_this_streamlit() -> None:
    """A Streamlit release that renames one of these modules fails here (the prefetch would silently skip it)."""
    files = element_code_files()
    assert [name.split(".")[0] for name in files] == list(ELEMENT_CODE)
    assert all((STATIC_JS / name).is_file() for name in files)


def test_home_asks_for_each_module_once_and_other_pages_do_not() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    scripts = [element.proto.body for element in at.get("html") if "__anomalyLabPrefetch" in element.proto.body]
    assert len(scripts) == 1 and all(f'"{name}"' in scripts[0] for name in element_code_files())
    at.switch_page("pages/data.py").run()
    assert not any("__anomalyLabPrefetch" in element.proto.body for element in at.get("html"))
