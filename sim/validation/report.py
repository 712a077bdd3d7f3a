"""Running every pattern check and reporting the results in plain text."""

from __future__ import annotations

import math

from sim.defaults import CONFIDENCE_LEVEL
from sim.validation.context import FAIL, INCONCLUSIVE, PASS, CheckResult, Context
from sim.validation.patterns import CHECKS


def run_validation(ctx: Context, checks=None) -> list[CheckResult]:
    """Run ``checks`` (default: every check in :data:`sim.validation.patterns.CHECKS`)."""
    return [check(ctx) for check in (checks or CHECKS)]


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def _measured(r: CheckResult) -> str:
    text = f"measured {_fmt(r.measured)}"
    if not math.isnan(r.ci[0]):
        text += f" ({CONFIDENCE_LEVEL * 100:g} % CI {_fmt(r.ci[0])} to {_fmt(r.ci[1])})"
    return f"{text} {r.unit}; target {r.target.describe()}"


KINDS = (
    "calibrated: the scenario was tuned to this target, so passing shows the calibration held; "
    "independent: no parameter was tuned to it."
)
VERDICTS = (
    "PASS: the 95 % CI of the mean lies inside the target; FAIL: the mean lies outside it; "
    "INCONCLUSIVE: the mean is inside but its interval crosses a bound, and more replicates "
    "(--replicates) will decide."
)


def tally(results: list[CheckResult]) -> str:
    """``14 passed, 0 failed, 2 inconclusive, 3 known deviations not passed; ...``."""
    known = [r for r in results if r.deviation and not r.passed]
    ordinary = [r for r in results if not (r.deviation and not r.passed)]
    passed = sum(r.verdict == PASS for r in ordinary)
    failed = sum(r.verdict == FAIL for r in ordinary)
    text = f"{passed} passed, {failed} failed"
    if unsure := sum(r.verdict == INCONCLUSIVE for r in ordinary):
        text += f", {unsure} inconclusive"
    if known:
        text += f", {len(known)} known deviations not passed"
    for kind in ("independent", "calibrated"):
        mine = [r for r in results if r.kind == kind]
        text += f"; {kind}: {sum(r.passed for r in mine)} of {len(mine)} passed"
    return text


def format_report(results: list[CheckResult], ctx: Context) -> str:
    """A plain-text report: one block per check, then the tally.

    The interval is left out where it is undefined (a check measured on one value)."""
    mode = "quick" if ctx.quick else "full"
    lines = [
        f"sim validate: {len(results)} checks, {ctx.replicates} replicate(s) each, {mode} mode, "
        f"root seed {ctx.root_seed}",
        "",
    ]
    for r in results:
        lines.append(f"[{r.status}] {r.key:>3} {r.title} ({r.kind})")
        lines.append(f"        {_measured(r)}")
        lines.append(f"        source: {r.source}")
        for name, value in r.context.items():
            lines.append(f"        {name}: {_fmt(value)}")
        if r.note:
            lines.append(f"        note: {r.note}")
        if r.deviation and not r.passed:
            lines.append(f"        known deviation: {r.deviation}")
    lines += ["", tally(results), VERDICTS, KINDS]
    return "\n".join(lines)
