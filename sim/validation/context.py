"""What a pattern check works with: targets, results, and a context that runs the model.

Every run's seed is derived from one root seed and the run's identity,
``numpy.random.SeedSequence(root, spawn_key=(check_group, replicate))``, so results do not
depend on the order in which checks run. Runs inside one check group share seeds (common
random numbers), which sharpens the comparisons between conditions.

Confidence intervals are Student t intervals of the mean over replicates,
:func:`sim.analysis.stats.mean_ci` (Lee et al. 2015, JASSS 18(4):4, recommend reporting
intervals, not only means). The checks themselves are in :mod:`sim.validation.patterns`;
running them all and the report are in :mod:`sim.validation.report`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import shipped
from sim.analysis.stats import mean_ci
from sim.defaults import VALIDATION_REPLICATES, VALIDATION_ROOT_SEED
from sim.scenario import Scenario, load_scenario, scenario_from_dict
from sim.seeding import run_seed
from sim.simulation import RunResult, simulate

QUICK_SIZE = 300
QUICK_MIN_PER_ROLE = 40
QUICK_MAX_UNITS = 30


@dataclass(frozen=True)
class Target:
    """An acceptable range for a measured value, with the evidence it comes from."""

    low: float = -math.inf
    high: float = math.inf
    source: str = ""

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high

    def describe(self, unit: str = "") -> str:
        u = f" {unit}" if unit else ""
        if math.isinf(self.low):
            return f"<= {self.high:g}{u}"
        if math.isinf(self.high):
            return f">= {self.low:g}{u}"
        return f"{self.low:g} to {self.high:g}{u}"


PASS, INCONCLUSIVE, FAIL = "PASS", "INCONCLUSIVE", "FAIL"


def verdict(target: Target, measured: float, ci: tuple[float, float], extra_ok: bool) -> str:
    """PASS when the whole 95 % CI of the mean lies inside the target; FAIL when the mean
    lies outside it (or the check's extra condition fails); INCONCLUSIVE when the mean is
    inside but the interval crosses a bound: the replicates cannot tell, and more of them
    (``--replicates``) will. A check measured on one value has no interval, and its value
    decides. Failing is thus as strict as a verdict on the mean alone, whatever the number
    of replicates, and passing is stricter."""
    if not extra_ok or not target.holds(measured):
        return FAIL
    lo, hi = ci
    if math.isnan(lo) or math.isnan(hi) or (target.holds(lo) and target.holds(hi)):
        return PASS
    return INCONCLUSIVE


@dataclass
class CheckResult:
    """The outcome of one check: the measured mean with its 95 % CI over replicates, and
    the verdict (:func:`verdict`); ``passed`` is ``verdict == PASS``."""

    key: str
    title: str
    measured: float
    ci: tuple[float, float]
    target: Target
    unit: str
    passed: bool
    values: list[float] = field(default_factory=list)
    context: dict[str, float] = field(default_factory=dict)
    note: str = ""
    kind: str = "independent"
    """``calibrated``: a target the scenario was tuned to (the check shows the calibration
    held); ``independent``: no parameter was tuned to it."""
    deviation: str = ""
    """Why the model is known to fail this check (empty for an ordinary check)."""
    verdict: str = ""
    """PASS, INCONCLUSIVE or FAIL (:func:`verdict`); empty: PASS or FAIL as ``passed``."""

    def __post_init__(self) -> None:
        # One truth: a given verdict decides ``passed``; without one, ``passed`` decides.
        if self.verdict:
            self.passed = self.verdict == PASS
        else:
            self.verdict = PASS if self.passed else FAIL

    @property
    def source(self) -> str:
        return self.target.source

    @property
    def failed(self) -> bool:
        """Failed, and not as a known deviation: what makes ``sim validate`` exit 1."""
        return self.verdict == FAIL and not self.deviation

    @property
    def status(self) -> str:
        if self.verdict == PASS or not self.deviation:
            return self.verdict
        return f"{self.verdict}, known deviation"


def result(
    key: str,
    title: str,
    values: list[float],
    target: Target,
    *,
    unit: str = "",
    kind: str,
    deviation: str = "",
    extra_ok: bool = True,
    context: dict[str, float] | None = None,
    note: str = "",
) -> CheckResult:
    """Build a :class:`CheckResult` with its :func:`verdict` (``extra_ok`` is a condition
    the check states in its note). With fewer than two values the interval is undefined
    (NaN) and the report says so."""
    m, lo, hi = mean_ci(values)
    decided = verdict(target, m, (lo, hi), extra_ok)
    return CheckResult(
        key=key,
        title=title,
        measured=m,
        ci=(lo, hi),
        target=target,
        unit=unit,
        passed=decided == PASS,
        verdict=decided,
        values=[float(v) for v in values],
        context=context or {},
        note=note,
        kind=kind,
        deviation=deviation,
    )


@dataclass
class Context:
    """What a check needs: replicates, seeds, scenarios (shrunk in quick mode), runs."""

    replicates: int = VALIDATION_REPLICATES
    quick: bool = False
    root_seed: int = VALIDATION_ROOT_SEED
    scenarios_dir: Path = field(default_factory=shipped.scenarios_dir)
    _cache: dict[Any, RunResult] = field(default_factory=dict, repr=False)

    def seed(self, group: int, replicate: int) -> int:
        return run_seed(self.root_seed, group, replicate)

    def scenario(
        self, base: str | None = None, overrides: dict[str, Any] | None = None
    ) -> Scenario:
        """Schema defaults (``base=None``) or a file in the scenarios folder, with dotted
        overrides; quick mode shrinks the population and keeps the organisation's size."""
        overrides = dict(overrides or {})
        if base is None:
            sc = scenario_from_dict({}, overrides, source="<validation>")
        else:
            sc = load_scenario(self.scenarios_dir / f"{base}.toml", overrides)
        return self._shrink(sc) if self.quick else sc

    def _shrink(self, sc: Scenario) -> Scenario:
        pop = sc.population
        smallest = min(r.share for r in pop.roles.values() if r.share > 0)
        size = max(QUICK_SIZE, math.ceil(QUICK_MIN_PER_ROLE / smallest))
        if pop.size <= size:
            return sc
        units = max(min(pop.units, QUICK_MAX_UNITS), sc.effective_waves)
        data = sc.model_dump()
        data["population"].update(size=size, units=units, scale=pop.scale * pop.size / size)
        return Scenario.model_validate(data)

    def run(self, scenario: Scenario, group: int, replicate: int) -> RunResult:
        """Simulate once (cached, so checks sharing a group reuse runs)."""
        key = (scenario.model_dump_json(), group, replicate)
        if key not in self._cache:
            self._cache[key] = simulate(scenario, seed=self.seed(group, replicate))
        return self._cache[key]

    def runs(self, scenario: Scenario, group: int) -> list[RunResult]:
        return [self.run(scenario, group, r) for r in range(self.replicates)]
