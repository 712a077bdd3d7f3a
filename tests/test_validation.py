"""`sim validate`: seeds, statistics, every check in quick mode, and the command line."""

import math

import numpy as np
import pytest
from click.testing import CliRunner

from sim.cli import cli
from sim.validation import CHECKS, CheckResult, Context, Target, mean_ci, run_seed
from sim.validation.patterns import DEVIATIONS


def test_run_seed_follows_the_seed_sequence_of_root_group_and_replicate():
    expected = np.random.SeedSequence(7, spawn_key=(3, 1)).generate_state(1, dtype=np.uint64)[0]
    assert run_seed(7, 3, 1) == int(expected >> 1)
    assert len({run_seed(7, g, r) for g in range(3) for r in range(3)}) == 9
    assert run_seed(8, 3, 1) != run_seed(7, 3, 1)


def test_mean_ci_matches_the_t_interval():
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0
    assert hi - m == pytest.approx(4.302653 * 1.0 / math.sqrt(3), rel=1e-5)
    assert lo == pytest.approx(2 * m - hi)
    assert mean_ci([5.0]) == (5.0, 5.0, 5.0)


def test_target_bounds_are_inclusive_and_described():
    t = Target(0.25, 0.5, "x")
    assert t.holds(0.25) and t.holds(0.5) and not t.holds(0.51)
    assert Target(low=2).describe("weeks") == ">= 2 weeks"
    assert Target(high=3).describe() == "<= 3"


def test_quick_mode_shrinks_the_population_but_keeps_the_organisation():
    ctx = Context(replicates=2, quick=True)
    full = Context(replicates=2).scenario("millennium")
    small = ctx.scenario("millennium")
    assert small.population.size < full.population.size
    assert small.population.size * small.population.scale == pytest.approx(
        full.population.size * full.population.scale
    )
    teachers = ctx.scenario("skolplattformen").population
    assert teachers.size * teachers.roles["teacher"].share >= 40


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_check_passes_in_quick_mode(check):
    """Every check passes, except the known deviations, which must still fail (so that
    the list of deviations in sim/validation/patterns.py and docs/cases.md stays true)."""
    res = check(Context(replicates=2, quick=True))
    assert isinstance(res, CheckResult)
    assert res.source and res.unit and res.title
    assert res.kind in ("calibrated", "independent")
    assert len(res.values) >= 1 and all(math.isfinite(v) for v in res.values)
    assert res.ci[0] <= res.measured <= res.ci[1]
    if res.key in DEVIATIONS:
        assert res.deviation and not res.passed, f"{res.key} passes: drop it from DEVIATIONS"
    else:
        assert not res.deviation
        assert res.passed, f"{res.key} {res.title}: {res.measured} not in {res.target.describe()}"


def test_known_deviations_are_reported_but_do_not_fail_the_command(monkeypatch):
    def run(ctx, checks=None):
        return [
            CheckResult(
                "X",
                "fake",
                0.5,
                (0.4, 0.6),
                Target(0, 0.1, "src"),
                "u",
                False,
                deviation="a documented limitation",
            )
        ]

    monkeypatch.setattr("sim.cli.validate.run_validation", run)
    out = CliRunner().invoke(cli, ["validate", "--quick"])
    assert out.exit_code == 0
    assert "[FAIL, known deviation]" in out.output
    assert "known deviation: a documented limitation" in out.output
    assert "1 failed as known deviations" in out.output


def _fake(passed: bool):
    def run(ctx, checks=None):
        return [
            CheckResult(
                "X", "fake", 0.5, (0.4, 0.6), Target(0, 1 if passed else 0.1, "src"), "u", passed
            )
        ]

    return run


@pytest.mark.parametrize("passed, code, word", [(True, 0, "[PASS]"), (False, 1, "[FAIL]")])
def test_cli_prints_root_seed_and_exits_nonzero_on_failure(monkeypatch, passed, code, word):
    monkeypatch.setattr("sim.cli.validate.run_validation", _fake(passed))
    out = CliRunner().invoke(cli, ["validate", "--quick", "--seed", "42"])
    assert out.exit_code == code
    assert "root seed 42" in out.output
    assert word in out.output and "source: src" in out.output
