"""Interval estimates and effect sizes for replicated simulation output.

Replicates of a stochastic model are independent draws of each outcome, so the usual
small-sample tools apply: a Student t interval for a condition's mean, a Welch t interval
for the difference between two conditions (their variances need not be equal), and
Hedges' g as a unit-free effect size.

References
----------
Lee, J.-S., Filatova, T., Ligmann-Zielinska, A., et al. (2015). The complexities of
agent-based modeling output analysis. *Journal of Artificial Societies and Social
Simulation*, 18(4), 4. (Report confidence intervals, not bare means, for ABM output.)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats


def finite(x) -> np.ndarray:
    """``x`` as a float array with NaNs (missing or "not reached" values) dropped."""
    a = np.asarray(x, dtype=float).ravel()
    return a[~np.isnan(a)]


def _t_quantile(level: float, df):
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    q = stats.t.ppf(0.5 + level / 2.0, df)
    return float(q) if np.ndim(q) == 0 else q


def t_halfwidth(sd, n, level: float = 0.95):
    """Half-width ``t(1 - α/2, n - 1) · sd / √n`` of the Student t interval of a mean;
    vectorised over ``sd`` and ``n``, NaN where ``n < 2``."""
    n = np.asarray(n, dtype=float)
    df = np.where(n >= 2, n - 1, np.nan)
    return _t_quantile(level, df) * np.asarray(sd, dtype=float) / np.sqrt(n)


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``x`` and its Student t confidence interval: ``(mean, low, high)``.

    ``mean ± t(1 - α/2, n - 1) · s / √n`` with ``s`` the sample standard deviation
    (``ddof=1``). NaNs are dropped first; with fewer than two values the bounds are NaN,
    and with no values the mean is NaN too.

    References
    ----------
    Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1-25.
    Lee et al. (2015), JASSS 18(4):4, on reporting intervals for ABM output.
    """
    a = finite(x)
    if a.size == 0:
        return (math.nan, math.nan, math.nan)
    m = float(a.mean())
    if a.size < 2:
        return (m, math.nan, math.nan)
    half = float(t_halfwidth(a.std(ddof=1), a.size, level))
    return (m, m - half, m + half)


def diff_ci(x, y, level: float = 0.95) -> tuple[float, float, float]:
    """Difference of means ``mean(x) - mean(y)`` with a Welch t interval: ``(diff, low, high)``.

    The standard error is ``√(s_x²/n_x + s_y²/n_y)`` and the degrees of freedom follow
    Welch-Satterthwaite: ``(v_x + v_y)² / (v_x²/(n_x-1) + v_y²/(n_y-1))`` with
    ``v = s²/n``. NaNs are dropped; with fewer than two values in either group the bounds
    are NaN. When both groups are constant the interval collapses to the difference.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika*, 34(1-2), 28-35.
    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. *Biometrics Bulletin*, 2(6), 110-114.
    """
    a, b = finite(x), finite(y)
    if a.size == 0 or b.size == 0:
        return (math.nan, math.nan, math.nan)
    d = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return (d, math.nan, math.nan)
    va = float(a.var(ddof=1)) / a.size
    vb = float(b.var(ddof=1)) / b.size
    if va + vb == 0.0:
        return (d, d, d)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = _t_quantile(level, df) * math.sqrt(va + vb)
    return (d, d - half, d + half)


def hedges_g(x, y) -> float:
    """Hedges' g: ``(mean(x) - mean(y)) / s_pooled``, corrected for small-sample bias.

    ``s_pooled² = ((n_x-1)s_x² + (n_y-1)s_y²) / (n_x+n_y-2)`` and the correction is the
    exact factor ``J(df) = Γ(df/2) / (√(df/2) Γ((df-1)/2))`` with ``df = n_x+n_y-2``
    (close to ``1 - 3/(4df - 1)``). NaNs are dropped. Returns NaN when g is undefined (an
    empty group, ``df < 2``, or both groups constant but different) and 0 when both
    groups are constant and equal.

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and
    related estimators. *Journal of Educational Statistics*, 6(2), 107-128.
    """
    a, b = finite(x), finite(y)
    df = a.size + b.size - 2
    if a.size == 0 or b.size == 0 or df < 2:
        return math.nan
    d = float(a.mean() - b.mean())
    ss = float(((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum())
    if ss == 0.0:
        return 0.0 if d == 0.0 else math.nan
    return d / math.sqrt(ss / df) * hedges_correction(df)


def hedges_correction(df: float) -> float:
    """Hedges' (1981) exact small-sample correction ``J(df)``, computed via log-gamma."""
    return math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
