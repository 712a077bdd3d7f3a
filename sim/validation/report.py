"""Running every pattern check and reporting the results in plain text."""

from __future__ import annotations

import math

from sim.defaults import CONFIDENCE_LEVEL
from sim.validation.context import CheckResult, Context
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
        lines.append(f"[{r.status}] {r.key:>3} {r.title}")
        lines.append(f"        {_measured(r)}")
        lines.append(f"        source: {r.source}")
        for name, value in r.context.items():
            lines.append(f"        {name}: {_fmt(value)}")
        if r.note:
            lines.append(f"        note: {r.note}")
    failed = sum(not r.passed for r in results)
    lines += ["", f"{len(results) - failed} passed, {failed} failed"]
    return "\n".join(lines)
