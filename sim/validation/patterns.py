"""Pattern-oriented validation: one function per pattern the model must reproduce and per
case fact, each labelled **calibrated** or **independent**.

Each check runs the model over replicates and returns a
:class:`~sim.validation.context.CheckResult` with the measured mean, its 95 % CI over
replicates (Monte Carlo precision, not uncertainty about the world), the target range, the
target's source and its kind:

- **calibrated**: a scenario value was tuned so that this target holds; passing shows the
  calibration held, it is not independent evidence;
- **independent**: no parameter was tuned to this target.

Targets come from the literature and the case evidence (docs/ODD.md, docs/cases.md), never
from the model's own output; where the evidence is qualitative, the threshold that turns it
into a number is stated as ours ("operational"). Every check measures behaviour (what the
dynamics produce), not a value that follows from the inputs by arithmetic.

The generic checks use the schema defaults plus the documented overrides below; the case
checks use ``scenarios/millennium.toml`` and ``scenarios/skolplattformen.toml``.

References: Grimm et al. 2005 (pattern-oriented modelling, Science 310:987-991); the
sources named in each target.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sim.simulation import RunResult
from sim.validation.context import CheckResult, Context, Target, result
from sim.validation.probes import UserProbe, burnout_share, probe_users

CALIBRATED, INDEPENDENT = "calibrated", "independent"

DEVIATIONS: dict[str, str] = {
    "9a": "teachers' weekly frustration falls to just under half its launch peak as they "
    "learn the platform, whatever the calibrated values; what lasts is their dissatisfaction "
    "(check 9c) (docs/cases.md, known deviations)",
    "9d": "the programme's spending is set by its inputs (consultants, trainers, desk staff, "
    "licences); the model has no mechanism by which a poor system raises it (change requests, "
    "extended contracts, added staff), so only users' lost time makes it costlier "
    "(docs/cases.md, known deviations)",
    "10b": "the strain a poor implementation causes fades within months in the model, as "
    "users learn by doing whatever their training; the survey found lasting effects "
    "(docs/cases.md, known deviations)",
    "10c": "users' ratings follow the system's fit more than their proficiency, and learning "
    "by doing closes the gap that missing training leaves, so training's effect on "
    "satisfaction fades (docs/cases.md, known deviations)",
}
"""Checks the model is known to fail, with the reason. They are run and shown
as failing like every other check; they do not make ``sim validate`` exit with an error,
and the tests require that they still fail (so this list stays true)."""

# --- the scenarios of the generic checks (overrides on the schema defaults) ----------------

HEALTHY_BIG_BANG = {
    "rollout.strategy": "big_bang",
    # With the default 2.0 (an assumption) a 25 % dip alone drives users past the
    # workaround threshold, which contradicts uneventful, well-prepared go-lives (Barnett et
    # al. 2016); 1.5 lets a typical dip frustrate without mass bypassing. This value is part
    # of the calibration of checks 2a and 2b (at 2.0, 2b's recovery takes 23-32 weeks), and
    # the experiments run at the default: experiments/robustness.toml varies it from 1.5 to
    # 2.5. See docs/cases.md (model notes).
    "frustration.stress_per_loss": 1.5,
}
"""A healthy big bang: default fit, testing, training plan and support."""

LOW_READINESS = {
    "system.initial_fit": 0.35,
    "analysis.ceiling_without": 0.55,
    "consultants.initial_knowledge": 0.15,
    "system.latent_defects": 600,
    "testing.start_week": 44,
    "training.effectiveness": 0.3,
}
"""Low readiness, as in the Millennium review (KPMG 2025): imported system with low fit,
late testing, training material that does not fit users."""

HIGH_READINESS = {
    "system.initial_fit": 0.85,
    "analysis.ceiling_without": 0.95,
    "system.initial_usability": 0.75,
    "system.latent_defects": 100,
    "testing.start_week": 0,
    "training.hours_per_user": 32,
    "training.capacity": 200,
}
"""High readiness: fitted, tested from the start, 4 days of training for everyone before
go-live (Longhurst et al. 2019: 3-5 days gives the highest satisfaction)."""

NO_LEARNING = {
    "involvement.level": "custom",
    "involvement.participation": 0.05,
    "involvement.responsiveness": 0.0,
    "consultants.localisation_rate": 0.0,
    "consultants.fix_share": 0.0,
    "learning.from_experience": False,
    "governance.readiness_threshold": 0.0,
    "governance.halt_frustration": 1.0,
}
"""No learning between waves: no feedback acted upon (so no gain in consultants' knowledge
or usability), no localisation and no defect fixing, no learning from live experience (the
early waves' misfits are not discovered, so not localised for later ones), and a board that
keeps the schedule and never halts, so every wave meets the system as the first one did."""

WITH_LEARNING = {
    **NO_LEARNING,
    "involvement.participation": 0.3,
    "involvement.responsiveness": 0.8,
    "consultants.localisation_rate": 0.002,
    "consultants.fix_share": 0.5,
    "learning.from_experience": True,
}
"""The same rollout with learning: the high-involvement preset's feedback, the default
localisation and fixing capacity, and learning from the early waves' experience."""

LEVERS: dict[str, tuple[str, object, object, str]] = {
    # lever: (dotted key, low end, high end, source of the range)
    "training": ("training.hours_per_user", 4.0, 32.0, "Longhurst et al. 2019 (3-5 days best)"),
    "involvement": ("involvement.level", "low", "high", "He & King 2008 (presets)"),
    "support": ("support.staff", 15, 62, "assumption: half to double the default desk"),
    "hypercare": ("support.hypercare_weeks", 2, 8, "practitioner guidance: 2-8 weeks"),
    "consultants": ("consultants.count", 10, 40, "assumption: half to double the default"),
    "testing": ("testing.start_week", 44, 0, "KPMG 2025 (late testing) vs from the start"),
    "phasing": ("rollout.strategy", "big_bang", "phased", "the two strategies"),
}
"""One-at-a-time ranges for the lever checks: each lever moves from its low to its high end
while every other parameter keeps its value in :data:`LEVER_BASE` (ten Broeke et al. 2016,
JASSS 19(1):5)."""

LEVER_BASE = {"rollout.strategy": "big_bang"}
"""The levers act on a big bang of the default organisation, as in the EHR go-lives the
sources surveyed: in the phased default, a wave of a quarter of the users hardly queues at
the help desk, so the support and hypercare levers would have nothing to act on (the
phasing lever turns it into the phased default)."""

IMPLEMENTATION = {
    "poor": {"training.hours_per_user": 4.0, "support.staff": 15},
    "good": {"training.hours_per_user": 32.0, "support.staff": 62},
}
"""Poor and good implementation support (training and help desk) for the burnout check,
within the lever ranges above."""

BURNOUT = 0.5
"""Operational: a live user whose frustration is at least half the scale counts as
strained by the system in the burnout-odds check."""

SURVEY_WEEK = 26
"""The burnout check surveys live users this many weeks (six months) after go-live."""

OTHER_BURNOUT = 0.439
"""Burnout from every other cause: the prevalence among US physicians in 2017 (Shanafelt
et al. 2019, Mayo Clin Proc 94(9):1681-1694), which the KLAS survey's burnout includes."""


# --- helpers --------------------------------------------------------------------------------


def _after_golive(run: RunResult, column: str) -> np.ndarray:
    """``column`` from the first week after the first go-live on (empty if none)."""
    g = run.summary["first_golive_week"]
    if g is None:
        return np.array([])
    return run.timeseries[column].to_numpy()[g + 1 :]


def _adoption_at(run: RunResult, weeks: int) -> float:
    """Adoption ``weeks`` after the *planned* first go-live: one origin for every condition,
    so a later or phased rollout is not measured from its own first go-live."""
    series = run.timeseries["adoption_rate"].to_numpy()
    week = run.scenario.rollout.first_golive_week + weeks
    return float(series[min(week, series.size - 1)])


def _recovery_weeks(run: RunResult) -> float:
    """Weeks after go-live until live users' loss has fallen half-way from its peak to its
    level a year later, with at most 10 % of users in workaround (a dip hidden by bypassing
    is not a recovery). The horizon when never."""
    loss = _after_golive(run, "productivity_loss_live")
    bypass = _after_golive(run, "workaround_rate")
    if loss.size < 65:
        return float(loss.size)
    peak_at = int(np.argmax(loss[:13]))
    settled = float(loss[52:65].mean())
    level = settled + 0.5 * (loss[peak_at] - settled)
    ok = np.flatnonzero((loss[peak_at:] <= level) & (bypass[peak_at:] <= 0.1))
    return float(peak_at + ok[0] + 1) if ok.size else float(loss.size)


def _mean(runs: list[RunResult], name: str) -> float:
    values = [r.summary[name] for r in runs if r.summary[name] is not None]
    return float(np.mean(values)) if values else math.nan


# --- 1. S-shaped adoption -------------------------------------------------------------------


def check_s_curve(ctx: Context) -> CheckResult:
    """Adoption after go-live is S-shaped: its weekly increase peaks after a delay (Bass
    1969: t* = ln(q/p)/(p+q) > 0 when imitation outweighs innovation) and saturates."""
    runs = ctx.runs(ctx.scenario(None, HEALTHY_BIG_BANG), 1)
    peak_week, final = [], []
    for run in runs:
        adoption = _after_golive(run, "adoption_rate")
        increase = np.convolve(np.diff(adoption, prepend=0.0), np.ones(3) / 3, mode="same")
        peak_week.append(float(np.argmax(increase) + 1))
        final.append(float(adoption[-1]))
    saturated = float(np.mean(final))
    return result(
        "1",
        "S-shaped adoption after go-live",
        peak_week,
        Target(2, 52, "Bass 1969; Rogers 2003 (inflection after go-live, within a year)"),
        kind=INDEPENDENT,
        unit="weeks to fastest growth",
        extra_ok=saturated >= 0.8,
        context={"final adoption": saturated},
        note="also requires final adoption >= 0.8 (the curve saturates)",
    )


# --- 2. productivity dip --------------------------------------------------------------------


def check_dip_depth(ctx: Context) -> CheckResult:
    """A healthy go-live costs roughly a quarter to a half of the system hours at first,
    against the work as it was before."""
    runs = ctx.runs(ctx.scenario(None, HEALTHY_BIG_BANG), 2)
    peaks = [float(_after_golive(r, "productivity_loss_live")[:13].max()) for r in runs]
    return result(
        "2a",
        "Go-live productivity dip (healthy big bang)",
        peaks,
        Target(0.25, 0.50, "Bhargava & Mishra 2014; UC Davis (25-30 %); 25-50 % overall"),
        kind=CALIBRATED,
        unit="share of hours lost against the baseline",
        note="system.learning_loss and training.half_hours were tuned to this target",
    )


def check_dip_recovery(ctx: Context) -> CheckResult:
    """The dip of a healthy go-live recovers within a few months."""
    runs = ctx.runs(ctx.scenario(None, HEALTHY_BIG_BANG), 2)
    return result(
        "2b",
        "Dip recovers within months (healthy big bang)",
        [_recovery_weeks(r) for r in runs],
        Target(1, 22, "Bhargava & Mishra 2014 (3-5 months); Kennebeck et al. 2012 (3 months)"),
        kind=CALIBRATED,
        unit="weeks",
        note="training.on_the_job (learning by doing) was tuned to this target, with the "
        "healthy big bang's frustration.stress_per_loss of 1.5 (itself part of this "
        "calibration); at the default 2.0, an assumption, recovery takes 23-32 weeks",
    )


def check_dip_no_recovery(ctx: Context) -> CheckResult:
    """The dip of an unhealthy go-live recovers slowly and incompletely."""
    overrides = {**HEALTHY_BIG_BANG, **LOW_READINESS, "governance.halt_frustration": 1.0}
    runs = ctx.runs(ctx.scenario(None, overrides), 2)
    return result(
        "2c",
        "Dip recovers slowly or never (low-readiness big bang)",
        [_recovery_weeks(r) for r in runs],
        Target(26, math.inf, "Hanauer et al. 2016 (down for 25 months); pattern 2"),
        kind=INDEPENDENT,
        unit="weeks",
        note="operational: not recovered half-way within 6 months",
    )


# --- 3. training is the strongest lever -----------------------------------------------------


def lever_effects(ctx: Context, group: int = 3) -> dict[str, dict[str, float]]:
    """Each lever's benefit when it moves from the low to the high end of its range, over
    replicates: the reduction of live users' mean frustration, the gain in adoption 26
    weeks after the planned first go-live (one origin for all), and the gain in the share of
    live users satisfied at the end."""
    effects: dict[str, dict[str, float]] = {}
    for name, (key, low, high, _source) in LEVERS.items():
        ends = []
        for value in (low, high):
            runs = ctx.runs(ctx.scenario(None, {**LEVER_BASE, key: value}), group)
            ends.append(
                {
                    "frustration": _mean(runs, "mean_frustration_live"),
                    "adoption": float(np.mean([_adoption_at(r, 26) for r in runs])),
                    "satisfied": _mean(runs, "final_satisfied"),
                }
            )
        effects[name] = {
            "frustration": ends[0]["frustration"] - ends[1]["frustration"],
            "adoption": ends[1]["adoption"] - ends[0]["adoption"],
            "satisfied": ends[1]["satisfied"] - ends[0]["satisfied"],
        }
    return effects


def _strongest(effects: dict[str, dict[str, float]], measure: str) -> float:
    """Training's effect on ``measure`` over the best other lever's (inf if none helps)."""
    train = effects["training"][measure]
    best = max(e[measure] for name, e in effects.items() if name != "training")
    if best > 0:
        return train / best
    return math.inf if train > 0 else 0.0  # no other lever helps: training wins if it does


def _lever_context(effects: dict[str, dict[str, float]], measures: tuple[str, ...]) -> dict:
    return {f"{n}: {m}": e[m] for n, e in effects.items() for m in measures}


def check_training_lever(ctx: Context) -> CheckResult:
    """Training is the strongest single lever on frustration and on adoption."""
    effects = lever_effects(ctx)
    ratio = min(_strongest(effects, "frustration"), _strongest(effects, "adoption"))
    return result(
        "3",
        "Training is the strongest single lever",
        [ratio],
        Target(1.0, math.inf, "Longhurst et al. 2019; KLAS Arch Collaborative"),
        kind=INDEPENDENT,
        unit="x the next-best lever",
        context=_lever_context(effects, ("frustration", "adoption")),
        note="one value: the smaller of the two ratios, each over replicate means; "
        "frustration of live users",
    )


def check_training_satisfaction(ctx: Context) -> CheckResult:
    """Training is the main predictor of users' satisfaction with the system."""
    effects = lever_effects(ctx)
    return result(
        "10c",
        "Training is the strongest lever on satisfaction",
        [_strongest(effects, "satisfied")],
        Target(
            1.0,
            math.inf,
            "Longhurst et al. 2019 (training the main predictor of EHR satisfaction); KLAS "
            "Arch Collaborative",
        ),
        kind=INDEPENDENT,
        unit="x the next-best lever",
        context=_lever_context(effects, ("satisfied",)),
        note="gain in the share of live users satisfied at the end (years after go-live); "
        "one value over replicate means",
        deviation=DEVIATIONS["10c"],
    )


# --- 4. token involvement is about as good as low -------------------------------------------


def check_token_involvement(ctx: Context) -> CheckResult:
    """Involvement without responsiveness gives little or no benefit: token involvement
    (many participants, as little acted upon as with low involvement, so more feedback in
    all) recovers at most a small share of what high involvement gains over low."""
    frustration, net = {}, {}
    for level in ("low", "token", "high"):
        runs = ctx.runs(ctx.scenario(None, {"involvement.level": level}), 4)
        frustration[level] = np.array([r.summary["mean_frustration_live"] for r in runs])
        net[level] = _mean(runs, "net_benefit")
    gain_high = frustration["low"] - frustration["high"]
    gain_token = frustration["low"] - frustration["token"]
    share = float(gain_token.mean() / gain_high.mean()) if gain_high.mean() > 0 else math.nan
    return result(
        "4",
        "Token involvement ~ low involvement",
        [share],
        Target(-0.5, 0.25, "He & King 2008; Ramboll 2020 (objections had no effect)"),
        kind=INDEPENDENT,
        unit="share of the high-involvement benefit",
        extra_ok=bool(gain_high.mean() > 0),
        context={
            "frustration low": float(frustration["low"].mean()),
            "frustration token": float(frustration["token"].mean()),
            "frustration high": float(frustration["high"].mean()),
            "net benefit low (MSEK)": net["low"],
            "net benefit token (MSEK)": net["token"],
            "net benefit high (MSEK)": net["high"],
        },
        note="benefit = reduction of live users' mean frustration; token and low act on the "
        "same share of feedback (token gets more of it), so token may be a little better",
    )


# --- 5. big bang: low readiness collapses, high readiness stays flat ------------------------


def _weeks_to_frustration(run: RunResult, level: float) -> float:
    """Weeks from the first go-live until live users' frustration reaches ``level``."""
    series = _after_golive(run, "frustration_live")
    hits = np.flatnonzero(series >= level)
    return float(hits[0] + 1) if hits.size else float(run.steps)


def check_low_readiness_collapse(ctx: Context) -> CheckResult:
    """A low-readiness big bang collapses within days: frustration jumps at once."""
    overrides = {**LOW_READINESS, "rollout.strategy": "big_bang"}
    runs = ctx.runs(ctx.scenario(None, overrides), 5)
    return result(
        "5a",
        "Low-readiness big bang collapses within weeks",
        [_weeks_to_frustration(r, 0.5) for r in runs],
        Target(0, 3, "Millennium paused after 3 days (Sweden Herald; Läkartidningen)"),
        kind=INDEPENDENT,
        unit="weeks until live users' mean frustration >= 0.5",
        note="operational: half the frustration scale within 3 weeks (board-independent)",
    )


def check_high_readiness_flat(ctx: Context) -> CheckResult:
    """A well-prepared big bang stays nearly flat: a shallow dip and no halt."""
    overrides = {**HIGH_READINESS, "rollout.strategy": "big_bang"}
    runs = ctx.runs(ctx.scenario(None, overrides), 5)
    peaks = [float(_after_golive(r, "productivity_loss_live")[:13].max()) for r in runs]
    halted = float(np.mean([r.summary["halted"] for r in runs]))
    return result(
        "5b",
        "High-readiness big bang stays nearly flat",
        peaks,
        Target(-1, 0.25, "Barnett et al. 2016 (no significant change); below the 25 % dip"),
        kind=INDEPENDENT,
        unit="share of hours lost against the baseline",
        extra_ok=halted == 0,
        context={"share halted": halted},
        note="also requires that no run halts",
    )


# --- 6. phasing without learning does not protect -------------------------------------------


def _wave_peaks(ctx: Context, overrides: dict, group: int) -> list[list[float]]:
    sc = ctx.scenario(None, {**LOW_READINESS, **overrides})
    return [
        [w["peak_frustration"] for w in run.waves if w["peak_frustration"] is not None]
        for run in ctx.runs(sc, group)
    ]


def check_phasing_without_learning(ctx: Context) -> CheckResult:
    """Without learning between waves, the later waves of a phased rollout fare about as
    badly as a big bang: phasing alone does not protect."""
    big_bang = _wave_peaks(ctx, {**NO_LEARNING, "rollout.strategy": "big_bang"}, 6)
    phased = _wave_peaks(ctx, {**NO_LEARNING, "rollout.strategy": "phased"}, 6)
    learning = _wave_peaks(ctx, {**WITH_LEARNING, "rollout.strategy": "phased"}, 6)

    def later_over_big_bang(waves):
        return [float(np.mean(p[1:]) / b[0]) for p, b in zip(waves, big_bang, strict=True)]

    return result(
        "6",
        "Phasing without learning does not protect",
        later_over_big_bang(phased),
        Target(
            0.8,
            math.inf,
            "the seed article's lesson 2 (fix problems between phases); docs/ODD.md pattern 6",
        ),
        kind=INDEPENDENT,
        unit="later waves' peak frustration / big bang's",
        context={"same ratio with learning": float(np.mean(later_over_big_bang(learning)))},
        note="operational: later waves reach >= 80 % of the big bang's peak frustration. A test "
        "of the design more than evidence: without learning, only phasing's other advantages "
        "(trainers and a hypercare team for each wave) could protect the later waves",
    )


# --- 7. schedule pressure and filtered reports: go-lives despite warnings --------------------


def _on_time_despite_warnings(run: RunResult, planned: int) -> float:
    s = run.summary
    return float(s["first_golive_week"] == planned and s["golives_despite_warnings"] >= 1)


FIXABLE = {
    "testing.start_week": 44,
    "system.latent_defects": 600,
    "training.plan": "fixed",
    "training.capacity": 30.0,
}
"""Unready at the planned date but fixable by waiting: testing starts late on a system with
many defects, and scarce trainers on a fixed plan have not reached everyone."""


def check_pressure_despite_warnings(ctx: Context) -> CheckResult:
    """Schedule pressure with filtered reporting sends an unready system live on its date,
    and it costs: live users end up more frustrated than under a board that waits for its
    own readiness bar, because waiting lets testing, fixing and training catch up.

    Pressure and filtering are the schema defaults (moderate); the system is unready but
    fixable (:data:`FIXABLE`). Whether waiting helps is the behavioural question: with a
    system that cannot be fixed by waiting (``LOW_READINESS``: low fit ceiling) it does
    not."""
    base = {**FIXABLE, "rollout.strategy": "big_bang"}
    calm = {"governance.schedule_pressure": 0.0, "governance.filtering": 0.0}
    pressured_sc = ctx.scenario(None, base)
    planned = pressured_sc.rollout.first_golive_week
    runs = {
        "pressured": ctx.runs(pressured_sc, 7),
        "calm": ctx.runs(ctx.scenario(None, {**base, **calm}), 7),
    }
    diffs = [
        p.summary["peak_frustration_live"] - c.summary["peak_frustration_live"]
        for p, c in zip(runs["pressured"], runs["calm"], strict=True)
    ]
    on_time = float(np.mean([_on_time_despite_warnings(r, planned) for r in runs["pressured"]]))
    calm_on_time = float(np.mean([_on_time_despite_warnings(r, planned) for r in runs["calm"]]))
    waited = _mean(runs["calm"], "first_golive_week") - planned
    g = pressured_sc.governance
    return result(
        "7",
        "Pressure + filtering: go-live despite warnings, and it costs",
        diffs,
        Target(0.05, math.inf, "KPMG 2025 (fixed date took priority); GP (payment at go-live)"),
        kind=INDEPENDENT,
        unit="peak frustration of live users, pressured minus calm board",
        extra_ok=on_time > calm_on_time and waited > 0,
        context={
            "share of pressured runs live on the date though unready": on_time,
            "the same share, calm board": calm_on_time,
            "weeks the calm board waited": waited,
            "true readiness at go-live, pressured": float(
                np.mean([r.waves[0]["readiness"] for r in runs["pressured"]])
            ),
            "true readiness at go-live, calm": float(
                np.mean([r.waves[0]["readiness"] for r in runs["calm"]])
            ),
            "net benefit, pressured minus calm (MSEK)": _mean(runs["pressured"], "net_benefit")
            - _mean(runs["calm"], "net_benefit"),
        },
        note=f"schedule pressure {g.schedule_pressure:g} and filtering {g.filtering:g} (the "
        "defaults) against none; also requires that the pressured board went live on its date "
        "though unready more often than the calm board and that the calm board waited; "
        "operational: at least 0.05 more frustration",
    )


# --- 8. Millennium ---------------------------------------------------------------------------


def _millennium(ctx: Context) -> list[RunResult]:
    return ctx.runs(ctx.scenario("millennium"), 8)


def check_millennium_halt(ctx: Context) -> CheckResult:
    """Millennium: the board halts within days of the first go-live."""
    runs = _millennium(ctx)
    delays = [
        (r.summary["halt_week"] - r.summary["first_golive_week"])
        if r.summary["halt_week"] is not None
        else float(r.steps)
        for r in runs
    ]
    return result(
        "8a",
        "Millennium: halt within days of go-live",
        delays,
        Target(1, 2, "Paused 15 Nov 2024, 3 days after go-live (Sweden Herald)"),
        kind=CALIBRATED,
        unit="weeks",
        note="governance.halt_frustration was tuned to this; a weekly board can halt at the "
        "earliest one week after go-live",
    )


def _incident_spike(run: RunResult) -> float:
    found = np.diff(run.timeseries["defects_found"].to_numpy(), prepend=0.0)
    g = run.summary["first_golive_week"]
    before = found[max(g - 4, 0) : g + 1].mean()
    after = found[g + 1 : g + 4].max()
    return float(after / max(before, 1.0))


def check_millennium_incidents(ctx: Context) -> CheckResult:
    """Millennium: incidents spike in the first weeks live."""
    return result(
        "8b",
        "Millennium: incidents spike in the first weeks",
        [_incident_spike(r) for r in _millennium(ctx)],
        Target(2, math.inf, "Over 300 incident reports in one week (Läkartidningen)"),
        kind=INDEPENDENT,
        unit="x the weekly rate in late testing",
        note="operational: defects found per week, first 3 live weeks vs the 4 before; close "
        "to 1 + live detection rate x the wave's share / testing detection rate, so it checks "
        "those two assumed rates against the reported spike (incident reports, not defects)",
    )


def check_millennium_warnings(ctx: Context) -> CheckResult:
    """Millennium: when the first wave went live on its date, its true readiness was
    below what an unpressured board demands: the warnings were there to see."""
    runs = _millennium(ctx)
    sc = ctx.scenario("millennium")
    on_time = float(
        np.mean([r.summary["first_golive_week"] == sc.rollout.first_golive_week for r in runs])
    )
    return result(
        "8c",
        "Millennium: unready at go-live, yet on schedule",
        [r.waves[0]["readiness"] for r in runs],
        Target(
            0,
            sc.governance.readiness_threshold,
            "KPMG 2025 (the steering group had enough information to know the real state)",
        ),
        kind=CALIBRATED,
        unit="true readiness of the first wave at go-live",
        extra_ok=on_time >= 0.8,
        context={
            "share of runs live on the planned week": on_time,
            "readiness as measured by the board": float(
                np.mean([r.waves[0]["readiness_measured"] for r in runs])
            ),
        },
        note="a consistency check, not independent evidence: the inputs behind readiness "
        "(late testing, training that did not fit, low fit) and the pressure that sends the "
        "wave live on its date were set from the same review; target: below the unpressured "
        "bar (governance.readiness_threshold); also requires going live on the planned week "
        "in >= 80 % of runs",
    )


# --- 9. Skolplattformen ----------------------------------------------------------------------


def _skolplattformen(ctx: Context) -> list[RunResult]:
    return ctx.runs(ctx.scenario("skolplattformen"), 9)


def _window(run: RunResult, column: str, start: int, stop: int) -> float:
    return float(np.nanmean(_after_golive(run, column)[start:stop]))


def check_teachers_frustrated(ctx: Context) -> CheckResult:
    """Skolplattformen: teachers stay frustrated for years."""
    values = []
    for run in _skolplattformen(ctx):
        series = _after_golive(run, "mean_frustration.teacher")
        values.append(float(series[52:156].mean() / max(series.max(), 1e-9)))
    return result(
        "9a",
        "Skolplattformen: teachers frustrated for years",
        values,
        Target(0.5, math.inf, "Hanauer et al. 2016 (down over 25 months); Ramboll 2020"),
        kind=CALIBRATED,
        deviation=DEVIATIONS["9a"],
        unit="years 2-3 / peak teacher frustration",
        note="teachers' skill, training hours and help-desk staff were tuned to the case's "
        "facts; operational: frustration in years 2-3 stays at least half its peak",
    )


def check_guardians_avoid(ctx: Context) -> CheckResult:
    """Skolplattformen: guardians avoid the platform more than teachers can."""
    values, guardians = [], []
    for run in _skolplattformen(ctx):
        g = _window(run, "workaround_rate.guardian", 52, 156)
        values.append(g - _window(run, "workaround_rate.teacher", 52, 156))
        guardians.append(g)
    return result(
        "9b",
        "Skolplattformen: guardians avoid it",
        values,
        Target(0.1, 1.0, "Guardians avoided it or used a third-party app (SweClockers)"),
        kind=CALIBRATED,
        unit="guardians' minus teachers' workaround share",
        context={"guardians' workaround share, years 2-3": float(np.mean(guardians))},
        note="workaround.enter_threshold was tuned to the case; operational: at least 10 "
        "points more guardians than teachers bypass it",
    )


def check_teachers_dissatisfied(ctx: Context) -> CheckResult:
    """Skolplattformen: years after the launch most teachers still rate the platform below
    acceptable (hard to use, did not meet needs)."""
    values = [_window(run, "dissatisfied_share.teacher", 52, 156) for run in _skolplattformen(ctx)]
    return result(
        "9c",
        "Skolplattformen: teachers dissatisfied for years",
        values,
        Target(
            0.5,
            1.0,
            "Ramboll 2020 via Vi Lärare (hard to use, did not meet needs); Hanauer et al. 2016",
        ),
        kind=CALIBRATED,
        unit="share of teachers dissatisfied, years 2-3",
        note="operational: a majority of teachers rate it below 'acceptable' in years 2-3; "
        "calibrated, since analysis.ceiling_without 0.65 was set so that fit and usability "
        "stay poor, which is what this rating mostly reflects",
    )


PLANNED_SYSTEM = {
    "system.initial_fit": 1.0,
    "analysis.ceiling_without": 1.0,
    "analysis.ceiling_with": 1.0,
    "system.initial_usability": 1.0,
    "system.usability_ceiling": 1.0,
    "system.latent_defects": 0,
    "training.effectiveness": 1.0,
}
"""The plan's assumption: the same programme with a system that fits, works and is learnt."""


def check_cost_overrun(ctx: Context) -> CheckResult:
    """Skolplattformen: the cost ends far above what the plan assumed."""
    planned = ctx.runs(ctx.scenario("skolplattformen", PLANNED_SYSTEM), 9)
    real = _skolplattformen(ctx)
    ratios = [
        r.summary["programme_spend"] / p.summary["programme_spend"]
        for r, p in zip(real, planned, strict=True)
    ]
    total = [
        r.summary["total_cost"] / p.summary["total_cost"]
        for r, p in zip(real, planned, strict=True)
    ]
    return result(
        "9d",
        "Skolplattformen: programme spending far over budget",
        ratios,
        Target(1.37, math.inf, "695 MSEK budget + 258 extra (Computer Sweden)"),
        kind=INDEPENDENT,
        unit="x the spending with the planned system",
        note="spending as the city's budget counts it (not users' lost time); the total cost "
        "with users' time is shown for comparison",
        context={"total cost, x the planned system's": float(np.mean(total))},
        deviation=DEVIATIONS["9d"],
    )


# --- 10. individual-level effects from the literature ---------------------------------------


def _probe(ctx: Context, scenario, group: int, replicate: int) -> UserProbe:
    """Individual users of one run (cached in the context like its runs)."""
    key = ("probe", scenario.model_dump_json(), group, replicate)
    if key not in ctx._cache:
        ctx._cache[key] = probe_users(scenario, ctx.seed(group, replicate))
    return ctx._cache[key]


def _point_biserial(group: np.ndarray, values: np.ndarray) -> float:
    if values.std() == 0:
        return 0.0
    return float(np.corrcoef(group.astype(float), values)[0, 1])


def check_involvement_satisfaction(ctx: Context) -> CheckResult:
    """The effect of involvement on users' satisfaction, measured across individual users
    as the meta-analyses do, is small to moderate."""
    sc = {level: ctx.scenario(None, {"involvement.level": level}) for level in ("low", "high")}
    rs = []
    for rep in range(ctx.replicates):
        ratings, group = [], []
        for flag, level in enumerate(("low", "high")):
            final = _probe(ctx, sc[level], 10, rep).final_rating
            ratings.append(final)
            group.append(np.full(final.size, flag))
        rs.append(_point_biserial(np.concatenate(group), np.concatenate(ratings)))
    r = float(np.mean(rs))
    return result(
        "10a",
        "Involvement and satisfaction, user level",
        rs,
        Target(
            0.1,
            0.45,
            "McKeen, Guimaraes & Wetherbe 1994 (r = 0.28); He & King 2008 "
            "(minimally to moderately beneficial)",
        ),
        kind=INDEPENDENT,
        unit="point-biserial r (high vs low involvement, users' final rating)",
        context={"the same as Cohen's d": 2 * r / math.sqrt(max(1 - r * r, 1e-12))},
        note="live users of both conditions pooled, one r per replicate pair (same seed); "
        "involvement acts on the organisation (the system it builds), not on the participant, "
        "so this is the effect on users of more against less participatory programmes; the "
        "r depends on how differently users rate one system (attitude.rating_sd, from SUS "
        "studies: 0 would give r near 0.9)",
    )


def check_implementation_burnout(ctx: Context) -> CheckResult:
    """Good training and support roughly halve the odds of burnout.

    Fixed in advance: a survey of live users :data:`SURVEY_WEEK` weeks after go-live; a
    user is strained by the system when frustration is at least :data:`BURNOUT`. The survey
    measured burnout from every cause while the model's strain comes from the system alone,
    so a user counts as burnt out when strained by the system or, independently, burnt out
    for other reasons at the prevalence physicians report (:data:`OTHER_BURNOUT`)."""
    shares = {}
    for name, overrides in IMPLEMENTATION.items():
        sc = ctx.scenario(None, {**overrides, "rollout.strategy": "big_bang"})
        shares[name] = [
            burnout_share(_probe(ctx, sc, 11, rep), BURNOUT, SURVEY_WEEK)
            for rep in range(ctx.replicates)
        ]

    def odds(p: float) -> float:
        p = min(max(p, 1e-6), 1 - 1e-6)
        return p / (1.0 - p)

    def with_other_causes(system_share: float) -> float:
        return 1.0 - (1.0 - OTHER_BURNOUT) * (1.0 - system_share)

    pairs = list(zip(shares["poor"], shares["good"], strict=True))
    ratios = [odds(with_other_causes(p)) / odds(with_other_causes(g)) for p, g in pairs]
    system_only = [odds(p) / odds(g) for p, g in pairs]
    return result(
        "10b",
        "Training and support halve burnout odds",
        ratios,
        Target(
            1.4,
            3.5,
            "KLAS Arch Collaborative (aOR 2.14 for good implementation, training and support)",
        ),
        kind=INDEPENDENT,
        unit="odds ratio of burnout, poor vs good implementation",
        context={
            "strained by the system, poor": float(np.mean(shares["poor"])),
            "strained by the system, good": float(np.mean(shares["good"])),
            "odds ratio of strain by the system alone": float(np.median(system_only)),
        },
        deviation=DEVIATIONS["10b"],
        note=f"operational, fixed in advance: a survey {SURVEY_WEEK} weeks after go-live; "
        f"strained = frustration >= {BURNOUT}; burnt out = strained or, independently, burnt "
        f"out for other reasons ({OTHER_BURNOUT:.0%}, Shanafelt et al. 2019); poor = 4 h "
        "training and half the help desk, good = 32 h and double; band around 2.14",
    )


# --- the registry ----------------------------------------------------------------------------

CHECKS: tuple[Callable[[Context], CheckResult], ...] = (
    check_s_curve,
    check_dip_depth,
    check_dip_recovery,
    check_dip_no_recovery,
    check_training_lever,
    check_token_involvement,
    check_low_readiness_collapse,
    check_high_readiness_flat,
    check_phasing_without_learning,
    check_pressure_despite_warnings,
    check_millennium_halt,
    check_millennium_incidents,
    check_millennium_warnings,
    check_teachers_frustrated,
    check_guardians_avoid,
    check_teachers_dissatisfied,
    check_cost_overrun,
    check_involvement_satisfaction,
    check_implementation_burnout,
    check_training_satisfaction,
)
"""Every check, in report order."""
