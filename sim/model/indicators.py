"""The model's indicators: run-level outcomes computed from a run's weekly series.

The names and meanings of every indicator and outcome are in :mod:`sim.outcomes`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.outcomes import OUTCOMES


def weeks_to(series: np.ndarray, level: float, start_step: int | None) -> float | None:
    """Steps from ``start_step`` until ``series`` first reaches ``level`` (None if never)."""
    if start_step is None:
        return None
    hits = np.flatnonzero(series[start_step:] >= level)
    return float(hits[0]) if hits.size else None


def summarise(ts: pd.DataFrame, extra: dict) -> dict:
    """Run-level outcomes from the time series and the model's own counters (``extra``)."""
    first = extra["first_golive_week"]
    after = ts.iloc[first + 1 :] if first is not None else ts
    adoption = ts["adoption_rate"].to_numpy()
    out = {
        "final_adoption": float(adoption[-1]),
        "weeks_to_50": weeks_to(adoption, 0.5, first),
        "weeks_to_80": weeks_to(adoption, 0.8, first),
        "peak_frustration": float(ts["mean_frustration"].max()),
        "mean_frustration": float(after["mean_frustration"].mean()) if len(after) else 0.0,
        "peak_p90_frustration": float(ts["p90_frustration"].max()),
        "peak_workaround": float(ts["workaround_rate"].max()),
        "final_workaround": float(ts["workaround_rate"].iloc[-1]),
        "peak_productivity_loss": float(ts["productivity_loss"].max()),
        "final_productivity_loss": float(ts["productivity_loss"].iloc[-4:].mean()),
        "total_cost": float(ts["cumulative_cost"].iloc[-1]),
        "postponements": int(ts["postponements"].iloc[-1]),
        "halted": int(ts["halted"].max()),
        "waves_live": int(ts["waves_live"].iloc[-1]),
        "left_share": float(ts["left_share"].iloc[-1]),
        "defects_found": int(ts["defects_found"].iloc[-1]),
        "final_fit": float(ts["fit"].iloc[-1]),
        "final_usability": float(ts["usability"].iloc[-1]),
    }
    out.update(extra)
    return {name: out[name] for name in OUTCOMES}
