"""Golden files: one small run and one comparison table, as committed in tests/golden/.

They pin the model's and the comparison's output exactly; any change to either shows up
here. When a change is intended, regenerate them (and the README's shown output) with
``python tools/refresh_docs.py`` and review the difference before committing it.
"""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import ROOT, sim
from refresh_docs import GOLDEN, GOLDEN_RUN, REFRESH

STALE = f"differs from the committed golden file; if the change is intended, run `{REFRESH}`"


def test_golden_run(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = sim(*GOLDEN_RUN, "--out", tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    got = pd.read_csv(tmp_path / "timeseries.csv")
    expected = pd.read_csv(GOLDEN / "run.csv")
    assert list(got.columns) == list(expected.columns), f"time series columns {STALE}"
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, obj=STALE)


@pytest.mark.xdist_group("main_sweep")
def test_golden_comparison(main_sweep):
    out, _ = main_sweep
    got = (out / "comparison.md").read_text(encoding="utf-8")
    assert got == (GOLDEN / "comparison.md").read_text(encoding="utf-8"), f"comparison {STALE}"
