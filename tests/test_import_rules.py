"""The layering rules of ARCHITECTURE.md, read from the source with `ast`: pages → ui/<page> → core, nothing upward."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE_PACKAGES = ("home", "data", "train", "evaluate", "draw", "compare", "teacher", "sweep")
UI_FRAMEWORKS = ("streamlit", "plotly", "streamlit_drawable_canvas")


def imported_modules(source: str) -> set[str]:
    """Every module an `import` or `from … import` in `source` names (absolute imports only, as the project writes them)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _page_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "ui" and parts[1] in PAGE_PACKAGES else None


def violations(path: Path, source: str) -> list[str]:
    """The rules `path` (relative to the repository root) breaks with its imports."""
    found: list[str] = []
    top, parts = path.parts[0], path.with_suffix("").parts
    own_page = parts[1] if top == "ui" and len(parts) > 2 and parts[1] in PAGE_PACKAGES else None
    for module in sorted(imported_modules(source)):
        page = _page_of(module)
        if top == "anomaly_core" and any(_under(module, p) for p in (*UI_FRAMEWORKS, "ui", "pages", "harness")):
            found.append(f"{path}: the core imports {module}")
        if top in ("ui", "anomaly_core") and _under(module, "pages"):
            found.append(f"{path}: imports the page script {module}")
        if own_page and page and page != own_page:
            found.append(f"{path}: page package ui.{own_page} imports page package ui.{page} ({module})")
        if top == "ui" and not own_page and page and module.split(".")[2:3] != ["limits"]:
            found.append(f"{path}: shared ui code imports page package ui.{page} ({module}); only its limits are shared")
        if top == "benchmarks" and _under(module, "tests"):
            found.append(f"{path}: a benchmark imports tests ({module})")
        if (
            top == "pages"
            and _under(module, "ui")
            and module not in ("ui.entry", f"ui.{parts[1]}.view")
            and not (module.startswith(f"ui.{parts[1]}.view.") or module.startswith("ui.entry."))
        ):
            found.append(f"{path}: a page script reaches past its view ({module})")
    return found


def project_files() -> list[Path]:
    folders = ("anomaly_core", "ui", "pages", "benchmarks", "harness")
    return sorted(p.relative_to(ROOT) for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_every_page_package_has_a_view() -> None:
    for page in PAGE_PACKAGES:
        assert (ROOT / "ui" / page / "view.py").is_file(), f"ui/{page}/view.py is missing"


def test_the_project_keeps_its_layering() -> None:
    broken = [v for path in project_files() for v in violations(path, (ROOT / path).read_text())]
    assert broken == []


@pytest.mark.parametrize(
    ("path", "source", "rule"),
    [
        ("anomaly_core/model.py", "import streamlit as st", "the core imports streamlit"),
        ("anomaly_core/model.py", "from plotly import graph_objects", "the core imports plotly"),
        ("anomaly_core/train.py", "from ui.current_model import ActiveModel", "the core imports ui"),
        ("ui/draw/scoring.py", "from ui.evaluate.controls import CACHE_KEY", "ui.draw imports page package ui.evaluate"),
        ("ui/sidebar.py", "from ui.train.run import TrainRun", "shared ui code imports page package ui.train"),
        ("ui/figures.py", "import pages.home", "imports the page script pages.home"),
        ("benchmarks/bench_latency.py", "from tests.e2e.conftest import open_page", "a benchmark imports tests"),
        ("pages/draw.py", "from ui.draw.scoring import render_threshold", "a page script reaches past its view"),
    ],
)
def test_a_broken_rule_is_reported(path: str, source: str, rule: str) -> None:
    assert any(rule in v for v in violations(Path(path), source))


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("pages/draw.py", "from ui.draw.view import render_draw_page\nfrom ui.entry import ensure_app_entry"),
        ("ui/sharing/codec.py", "from ui.train.limits import MAX_ENCODER_LAYERS"),
        ("ui/draw/view.py", "from ui.draw.scoring import render_threshold\nfrom ui.current_model import active_model"),
    ],
)
def test_allowed_imports_are_not_reported(path: str, source: str) -> None:
    assert violations(Path(path), source) == []
