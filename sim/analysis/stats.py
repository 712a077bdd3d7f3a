"""Interval estimates and effect sizes for replicated simulation output.

Replicates of a stochastic model are independent draws of each outcome, so the usual
small-sample tools apply: a Student t interval for a condition's mean, a Welch t interval
for the difference between two conditions (their variances need not be equal), both as
computed by :mod:`scipy.stats`, and Hedges' g as a unit-free effect size.

An outcome with natural bounds (a share, a 0-1 scale) has its mean inside them, so its
interval is cut at them (``bounds=``): "0.97 [0.94, 1.00]", never "[0.94, 1.01]". Cutting
an interval at the bounds of the parameter space leaves its coverage unchanged, since the
true mean always lies inside them (Mandelkern 2002), and keeps it symmetric wherever the
bounds are far away. The difference of two such means lies within ``±(high - low)``.

References
----------
Lee, J.-S., Filatova, T., Ligmann-Zielinska, A., et al. (2015). The complexities of
agent-based modeling output analysis. *Journal of Artificial Societies and Social
Simulation*, 18(4), 4. (Report confidence intervals, not bare means, for ABM output.)
Mandelkern, M. (2002). Setting confidence intervals for bounded parameters. *Statistical
Science*, 17(2), 149-172.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import special, stats

from sim.defaults import CONFIDENCE_LEVEL

Bounds = tuple[float, float] | None
"""``(low, high)`` that an outcome cannot leave, or ``None`` when it is unbounded."""


def finite(x) -> np.ndarray:
    """``x`` as a float array with NaNs (missing or "not reached" values) dropped."""
    a = np.asarray(x, dtype=float).ravel()
    return a[~np.isnan(a)]


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")


def _cut(low, high, bounds: Bounds):
    if bounds is None:
        return low, high
    return np.clip(low, *bounds), np.clip(high, *bounds)


def mean_ci(x, level: float = CONFIDENCE_LEVEL, bounds: Bounds = None, axis: int | None = None):
    """Mean of ``x`` and its Student t confidence interval: ``(mean, low, high)``.

    ``mean ± t(1 - α/2, n - 1) · s / √n`` with ``s`` the sample standard deviation, as
    ``scipy.stats.ttest_1samp(x).confidence_interval(level)`` computes it, cut at
    ``bounds`` when given. NaNs are dropped first; with fewer than two values the bounds
    are NaN, and with no values the mean is NaN too. Constant values give a zero-width
    interval. With ``axis=None`` the result is three floats; with an ``axis`` it is
    three arrays, one value per slice along that axis (a figure's band, step by step).

    >>> mean_ci([1.0, 2.0, 3.0])  # 2 ± t(0.975, 2) / √3
    (2.0, -0.484..., 4.484...)
    >>> mean_ci([0.97, 0.98, 0.99], bounds=(0.0, 1.0))  # a share: cut at 1
    (0.98, 0.955..., 1.0)

    References
    ----------
    Student (1908). The probable error of a mean. *Biometrika*, 6(1), 1-25.
    """
    _check_level(level)
    a = np.asarray(x, dtype=float)
    if axis is None:
        a, axis = a.ravel(), 0
    n = np.sum(~np.isnan(a), axis=axis)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(a, axis=axis) if a.size else np.full(np.delete(a.shape, axis), np.nan)
        policy = "omit" if np.isnan(a).any() else "propagate"
        ci = stats.ttest_1samp(a, 0.0, axis=axis, nan_policy=policy).confidence_interval(level)
    low = np.where(n >= 2, ci.low, np.nan)
    high = np.where(n >= 2, ci.high, np.nan)
    low, high = _cut(low, high, bounds)
    if np.ndim(mean) == 0:
        return (float(mean), float(low), float(high))
    return (np.asarray(mean), np.asarray(low), np.asarray(high))


def diff_ci(x, y, level: float = CONFIDENCE_LEVEL, bounds: Bounds = None):
    """Difference of means ``mean(x) - mean(y)`` with a Welch t interval: ``(diff, low, high)``.

    The interval of ``scipy.stats.ttest_ind(x, y, equal_var=False)``: standard error
    ``√(s_x²/n_x + s_y²/n_y)``, Welch-Satterthwaite degrees of freedom. NaNs are dropped;
    with fewer than two values in either group the bounds are NaN. When both groups are
    constant the interval collapses to the difference. ``bounds`` are those of the
    outcome: the difference is cut at ``±(high - low)``.

    >>> diff_ci([2.0, 2.0, 2.0], [3.0, 3.0, 3.0])
    (-1.0, -1.0, -1.0)

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika*, 34(1-2), 28-35.
    Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance
    components. *Biometrics Bulletin*, 2(6), 110-114.
    """
    _check_level(level)
    a, b = finite(x), finite(y)
    if a.size == 0 or b.size == 0:
        return (math.nan, math.nan, math.nan)
    d = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return (d, math.nan, math.nan)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(level)
    width = None if bounds is None else (bounds[1] - bounds[0])
    low, high = _cut(ci.low, ci.high, None if width is None else (-width, width))
    return (d, float(low), float(high))


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
