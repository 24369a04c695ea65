"""What the app's server loads: every page opened under AppTest in a fresh interpreter, then its modules checked.

The Compare page's baselines are fitted in a child process (`anomaly_core.baseline_job`), so scikit-learn (~80 MB
for good) never enters the server's memory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from anomaly_core.baseline_job import fit_baselines_apart, read_results, write_results
from anomaly_core.baselines import BASELINES, run_baselines

ROOT = Path(__file__).resolve().parents[1]
EVERY_PAGE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=300).run()
for page in ("data", "train", "evaluate", "draw", "compare", "sweep", "teacher", "home"):
    at.switch_page(f"pages/{{page}}.py").run()
    assert not at.exception, (page, at.exception)
print(json.dumps({{"modules": sorted(sys.modules), "tables": len(at.dataframe)}}))
"""


FIRST_PAGE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=300).run()
assert not at.exception, at.exception
print(json.dumps({{"modules": sorted(sys.modules)}}))
"""


def _python(script: str, timeout: float = 120) -> str:
    """What `script` prints, run in a fresh interpreter from the repository root."""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=True)
    return done.stdout


def _modules_after(script: str) -> set[str]:
    return set(json.loads(_python(script, timeout=600).strip().splitlines()[-1])["modules"])


def test_a_session_on_every_page_never_loads_scikit_learn_in_the_server() -> None:
    modules = _modules_after(EVERY_PAGE.format(app=str(ROOT / "app.py")))
    assert "ui.compare.view" in modules and "anomaly_core.baselines" in modules  # Compare was drawn, with baselines
    assert not any(name == "sklearn" or name.startswith("sklearn.") for name in modules)


def test_the_first_page_loads_no_pandas() -> None:
    """Home reads ECG5000 with numpy and parses no CSV: pandas (~0.3 s of a cold start) waits for a page that needs it."""
    modules = _modules_after(FIRST_PAGE.format(app=str(ROOT / "app.py")))
    assert "ui.home.view" in modules and "anomaly_core.data" in modules  # Home was drawn, from the real data
    assert not any(name == "pandas" or name.startswith("pandas.") for name in modules)


def test_baselines_fitted_apart_equal_those_fitted_here(default_split) -> None:
    apart = fit_baselines_apart(default_split, seed=0)
    here = run_baselines(default_split, seed=0)
    assert [r.name for r in apart] == list(BASELINES)
    for mine, theirs in zip(apart, here):
        np.testing.assert_array_equal(mine.test_scores, theirs.test_scores)
        assert (mine.label, mine.stored_values) == (theirs.label, theirs.stored_values)
        assert mine.fit_seconds > 0 and mine.score_seconds > 0


def test_results_survive_their_encoding(default_split) -> None:
    results = run_baselines(default_split, seed=0)
    again = read_results(write_results(results))
    assert [(r.name, r.label, r.stored_values, r.fit_seconds) for r in again] == [
        (r.name, r.label, r.stored_values, r.fit_seconds) for r in results
    ]


def test_the_core_and_the_baseline_job_load_without_torch() -> None:
    script = (
        "import sys, anomaly_core, anomaly_core.baseline_job; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'sklearn')))"
    )
    assert _python(script).strip() == "[]"


def test_a_torch_name_of_the_core_loads_on_first_use() -> None:
    script = "import sys, anomaly_core; anomaly_core.Trainer; print('torch' in sys.modules, anomaly_core.Trainer.__module__)"
    assert _python(script).split() == ["True", "anomaly_core.train"]
