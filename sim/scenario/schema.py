"""The scenario schema: every parameter of the model, its default, range, unit and source.

This module is the one place where defaults live. The model, the command line, the
experiment runner and ``docs/parameters.md`` all read them from here.

Sources are abbreviated; the full references are in ``docs/ODD.md``. "assumption" marks a
value chosen by the modellers, to be swept rather than trusted.

Every number has a finite range: its own where one is given, else at most :data:`LIMIT`
in size, so no value that passes validation can overflow the model's arithmetic. Numbers
are strict: ``true`` is not 1, ``"5"`` is not 5, a whole number is needed where the model
counts (``2.0`` is refused there), and ``inf`` and ``nan`` are refused everywhere.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.defaults import MAX_STEPS

INVOLVEMENT_PRESETS: dict[str, tuple[float, float]] = {
    # level: (participation, responsiveness)
    "low": (0.05, 0.05),
    "high": (0.30, 0.8),
    "token": (0.30, 0.05),
}
"""Presets for ``involvement.level``. Participation is the share of users who take part in
design and testing; responsiveness the share of their feedback that changes the system.
Low and token involvement both act on little of the feedback and differ only in how many
users take part: token involvement is many participants whose objections have little
effect (the Skolplattformen reference group, Millennium's involved staff; docs/cases.md)."""

STRATEGIES = ("big_bang", "phased", "phased_gated", "pilot")

REPLACED: dict[str, str] = {
    "support.capacity": "replaced by support.staff and support.hours_per_ticket (a help desk "
    "of fixed size, paid whether busy or not)",
    "support.hypercare_multiplier": "replaced by support.hypercare_staff (extra desk staff "
    "while a wave is in hypercare)",
    "support.ticket_rate": "replaced by support.tickets_per_hour_lost (tickets per hour lost)",
    "costs.support_rate": "replaced by costs.helpdesk_rate (per hour of desk staff, paid "
    "whether busy or not)",
}
"""Keys of earlier versions that no longer exist, with what replaced them: an old scenario
file that uses one gets a one-line error saying so (:mod:`sim.scenario.loading`).
``system.fit_ceiling`` is still accepted (see :meth:`Scenario._old_fit_ceiling`)."""

LIMIT = 1e9
"""Largest size of any number in a scenario whose field states no narrower range."""

MAX_ROLES = 10
"""Most user roles: each adds three columns to every time series and a column of panels
to the roles figure."""

ROLE_NAME = re.compile(r"[\w-]+")
"""A role's name (its key): letters, digits, ``_`` and ``-``, as in ``adoption_rate.NAME``."""


def param(
    default: Any,
    doc: str,
    *,
    unit: str = "-",
    source: str = "assumption",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    valid: str | None = None,
) -> Any:
    """A documented scenario parameter: default, meaning, unit, range and source.

    ``valid`` states the range in words where bounds cannot (lists). A number without an
    upper bound gets :data:`LIMIT`, one without a lower bound ``-LIMIT``, so every number in
    a scenario is finite and bounded.
    """
    if isinstance(default, int | float) and not isinstance(default, bool):
        kind = type(default)
        le = kind(LIMIT) if le is None and lt is None else le
        ge = -kind(LIMIT) if ge is None and gt is None else ge
    extra = {"unit": unit, "source": source}
    if valid is not None:
        extra["range"] = valid
    return Field(default, description=doc, ge=ge, le=le, gt=gt, lt=lt, json_schema_extra=extra)


Hours = Annotated[float, Field(ge=0, le=200)]
Share = Annotated[float, Field(gt=0, le=1)]


def _split(units: int, shares: list[float]) -> list[int]:
    """Units per wave when unit u of ``units`` goes to the wave whose cumulative share
    interval holds u / units (exact for equal shares; rounding guarded)."""
    bounds, total = [0], 0.0
    for share in shares[:-1]:
        total += share
        bounds.append(min(math.ceil(total * units - 1e-9), units))
    bounds.append(units)
    return [b - a for a, b in zip(bounds, bounds[1:], strict=False)]


def _one_line(value: str) -> str:
    if any(not c.isprintable() for c in value):
        raise ValueError("must be one line of text, without control characters")
    return value


OneLine = Annotated[str, AfterValidator(_one_line)]
"""Text shown in tables, figures and messages: one line, no control characters."""


def text(default: str, doc: str, *, max_length: int, source: str = "assumption") -> Any:
    """A documented text parameter of at most ``max_length`` characters (use it with
    :data:`OneLine`)."""
    return Field(
        default,
        description=doc,
        max_length=max_length,
        json_schema_extra={"unit": "-", "source": source},
    )


class Section(BaseModel):
    """Base of every scenario table: unknown keys are errors, values are checked on
    assignment, numbers are strict (no booleans or strings for numbers, no fractions for
    counts) and finite (no ``inf`` or ``nan``)."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, frozen=False, strict=True, allow_inf_nan=False
    )


class Meta(Section):
    name: OneLine = text(
        "default", "Short name of the scenario, used in tables and plots.", max_length=80
    )
    description: OneLine = text(
        "", "One or two sentences on what the scenario represents.", max_length=1000
    )


class Role(Section):
    label: OneLine = text(
        "", "Readable name for tables and plots (defaults to the role key).", max_length=80
    )
    share: float = param(
        0.5, "Share of the user population in this role; shares sum to 1.", ge=0, le=1
    )
    mandatory: bool = param(
        True,
        "Whether use is mandatory (staff) or voluntary (guardians). Voluntary users can stay "
        "away; social influence acts mainly on mandatory users.",
        source="Venkatesh & Davis 2000",
    )
    digital_skill: float = param(0.5, "Proficiency before any training, 0-1.", ge=0, le=1)
    hours_per_week: float = param(
        10.0, "Hours per week this role spends on the system.", unit="h/week", ge=0, le=60
    )
    sensitivity: float = param(1.0, "Multiplier on the stress that lost time causes.", ge=0, le=5)
    voice: float = param(
        0.5,
        "Expressiveness: how strongly this role's frustration spreads to colleagues.",
        source="Bosse et al. 2015 (expressiveness)",
        ge=0,
        le=1,
    )
    can_leave: bool = param(
        True, "Whether users of this role can leave (quit or go on sick leave)."
    )
    training_hours: float | None = param(
        None,
        "Planned training per user of this role before go-live; unset: the wave's hours "
        "(training.hours_by_wave) or training.hours_per_user.",
        unit="h",
        ge=0,
        le=200,
    )
    wage: float | None = param(
        None,
        "Cost of one hour of this role's time (lost, in training, in involvement); unset: "
        "costs.wage. 0 leaves the role's time uncosted (it is still counted in hours).",
        unit="SEK/h",
        ge=0,
    )


def _default_roles() -> dict[str, Role]:
    return {
        "professional": Role(
            label="Professionals", share=0.6, digital_skill=0.5, hours_per_week=12, voice=0.6
        ),
        "support_staff": Role(
            label="Support staff", share=0.3, digital_skill=0.4, hours_per_week=15, voice=0.4
        ),
        "administrator": Role(
            label="Administrators", share=0.1, digital_skill=0.7, hours_per_week=25, voice=0.3
        ),
    }


class Population(Section):
    size: int = param(2000, "Number of user agents.", unit="agents", ge=1, le=1_000_000)
    scale: float = param(
        10.0,
        "Real people represented by one user agent; totals are scaled back up by it.",
        unit="people/agent",
        gt=0,
    )
    units: int = param(40, "Number of units (wards, care centres, schools).", unit="units", ge=1)
    skill_sd: float = param(
        0.15,
        "Spread (standard deviation) of digital skill between users of one role; skills are "
        "drawn around the role's value and clipped to 0-1.",
        ge=0,
        le=0.5,
    )
    sensitivity_sd: float = param(
        0.3,
        "Spread of the stress sensitivity between users of one role (log-normal sigma around "
        "the role's value).",
        ge=0,
        le=2,
    )
    unit_kinds: int = param(
        4,
        "Kinds of unit with similar processes (e.g. wards, primary care, municipal care); "
        "unit u is of kind u mod unit_kinds, so consecutive units, and every wave, mix kinds. "
        "Localising a kind's shared misfit helps every unit of the kind.",
        unit="kinds",
        ge=1,
        le=1000,
    )
    roles: dict[str, Role] = Field(
        default_factory=_default_roles,
        description="User roles, as tables [population.roles.NAME] (at most 10; NAME of "
        "letters, digits, '_' and '-').",
    )

    @model_validator(mode="after")
    def _check(self) -> Population:
        if not self.roles:
            raise ValueError("at least one role is needed")
        if len(self.roles) > MAX_ROLES:
            raise ValueError(f"at most {MAX_ROLES} roles, not {len(self.roles)}")
        for name in self.roles:
            if not ROLE_NAME.fullmatch(name):
                raise ValueError(f"role name {name!r}: use letters, digits, '_' and '-' only")
        total = sum(r.share for r in self.roles.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"role shares must sum to 1, not {total:g}")
        if self.units > self.size:
            raise ValueError(f"more units ({self.units}) than users ({self.size})")
        return self


class Network(Section):
    kind: Literal["units", "complete"] = param(
        "units",
        "'units': colleagues within the unit plus a few across; 'complete': mean-field "
        "(everyone sees everyone, no edges built).",
    )
    within_degree: float = param(
        8.0, "Mean number of colleague ties inside the unit.", unit="ties", ge=0, le=200
    )
    across_degree: float = param(
        1.0, "Mean number of ties to users in other units.", unit="ties", ge=0, le=50
    )


class System(Section):
    initial_fit: float = param(
        0.65,
        "Fit of the system to local processes at the start, 0-1. An imported, unadapted "
        "system starts low.",
        source="article (lesson 1)",
        ge=0,
        le=1,
    )
    initial_usability: float = param(
        0.6, "Usability at the start, 0-1 (SUS/100).", source="Melnick et al. 2020", ge=0, le=1
    )
    usability_ceiling: float = param(
        0.85, "Highest usability that acted-upon feedback can reach.", ge=0, le=1
    )
    unit_fit_sd: float = param(
        0.08,
        "Spread of fit between units (local processes differ): each unit's fit is the "
        "system's fit plus an offset with this standard deviation, clipped to 0-1. A "
        "negative offset is a local misfit that localisation can remove once it is known.",
        ge=0,
        le=0.5,
    )
    misfit_shared: float = param(
        0.5,
        "Share of the variance of units' fit offsets that units of the same kind share "
        "(similar processes): found in one unit, that part is known, and fixed, for every "
        "unit of the kind; the rest is the unit's own.",
        ge=0,
        le=1,
    )
    latent_defects: int = param(
        300,
        "Expected defects in the system at the start (not yet found; at most a million); "
        "each run draws the number from a Poisson distribution with this mean (Goel & "
        "Okumoto 1979).",
        unit="defects",
        ge=0,
        le=1_000_000,
    )
    defect_loss: float = param(
        0.04,
        "Share of a live user's system hours lost per 100 open defects.",
        unit="share/100 defects",
        ge=0,
        le=1,
    )
    misfit_loss: float = param(
        0.3,
        "Share of system hours lost at zero fit (falls linearly to 0 at full fit).",
        ge=0,
        le=1,
    )
    learning_loss: float = param(
        0.9,
        "Share of system hours lost by a user with zero proficiency (learning curve).",
        source="calibrated: a healthy big bang of the default organisation dips about 25-30 % "
        "against the legacy baseline (Bhargava & Mishra 2014; UC Davis)",
        ge=0,
        le=1,
    )
    usability_loss: float = param(0.1, "Share of system hours lost at zero usability.", ge=0, le=1)
    legacy_fit: float = param(
        0.75,
        "Fit of the legacy systems to local work, 0-1: the baseline against which time lost "
        "is measured (users are fully proficient on them).",
        source="assumption: mature systems adapted to local work over years, but fragmented "
        "(Millennium replaces 30-40 systems, Läkartidningen 2019-09)",
        ge=0,
        le=1,
    )
    legacy_usability: float = param(
        0.5,
        "Usability of the legacy systems, 0-1 (SUS/100): the baseline's usability.",
        source="assumption; EHRs rate 45.9 SUS (Melnick et al. 2020)",
        ge=0,
        le=1,
    )
    productivity_gain: float = param(
        0.05,
        "Share of system hours the new system saves beyond fit and usability (one record "
        "instead of many, new functions), for a fully proficient user on a fully fitted "
        "system (it scales with fit x proficiency).",
        source="Poissant et al. 2005 (EHR documentation time: nurses -24 %, physicians +17 %); "
        "range 0-0.25, value an assumption",
        ge=0,
        le=0.5,
    )
    interface_loss: float = param(
        0.05,
        "Share of a live user's system hours lost to working across the old and new systems "
        "(referrals, transfers, double look-ups), times the share of the organisation still on "
        "the old system. Users' time only: the IT cost of interfaces is "
        "costs.dual_running_per_week.",
        source="assumption, range 0-0.1; direction: VGR 'Tidplan och metod' (each area cut over "
        "at once to avoid interfaces); HRSA; HIMSS (dual running)",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _check(self) -> System:
        if self.initial_usability > self.usability_ceiling:
            raise ValueError("initial_usability is above usability_ceiling")
        return self


class Consultants(Section):
    count: int = param(
        20,
        "External consultants on the programme (at most 5,000: far more than either case's "
        "programme, and past the point where coordination overhead lets more add anything).",
        unit="people",
        ge=0,
        le=5000,
    )
    hours_per_week: float = param(
        40.0, "Working hours per consultant per week.", unit="h/week", ge=0, le=80
    )
    initial_knowledge: float = param(
        0.3, "Consultants' domain knowledge of the organisation at the start, 0-1.", ge=0, le=1
    )
    knowledge_gain: float = param(
        0.08,
        "Weekly share of the knowledge gap closed at full acted-upon feedback, from involved "
        "users and (learning.from_experience) from live users.",
        unit="1/week",
        ge=0,
        le=1,
    )
    localisation_rate: float = param(
        0.002,
        "Share of the fit gap closed per productive consultant-week at full knowledge.",
        unit="1/consultant-week",
        ge=0,
        le=1,
    )
    fix_share: float = param(
        0.5,
        "Share of consultant hours spent fixing found defects when there are any.",
        ge=0,
        le=1,
    )
    support_share: float = param(
        0.2,
        "Share of consultant hours that can go to tickets the help desk could not serve "
        "last week (second line); a consultant hour resolves knowledge / "
        "support.hours_per_ticket tickets.",
        ge=0,
        le=1,
    )
    hours_per_misfit: float = param(
        200.0,
        "Consultant hours, at full knowledge, to localise 0.1 of a known misfit (of one "
        "unit, or of a kind of unit); at knowledge k it takes 1/k times as long.",
        unit="h",
        gt=0,
    )
    hours_per_fix: float = param(
        12.0, "Consultant hours to fix one defect at full knowledge.", unit="h", gt=0
    )
    coordination_overhead: float = param(
        0.003,
        "Coordination cost per additional consultant: the team's productive hours are "
        "count x hours / (1 + overhead x (count - 1)), which level off at hours / overhead "
        "(more consultants never slow the work down; Brooks' stronger law is not modelled).",
        source="Brooks 1975; Abdel-Hamid & Madnick 1991",
        ge=0,
        le=0.1,
    )


class Testing(Section):
    start_week: int = param(
        20,
        "Week in which structured testing starts (late testing: close to go-live).",
        unit="week",
        ge=0,
    )
    detection_rate: float = param(
        0.03,
        "Goel-Okumoto b: weekly share of latent defects found by testing.",
        unit="1/week",
        source="Goel & Okumoto 1979",
        ge=0,
        le=1,
    )
    live_detection_rate: float = param(
        0.25,
        "Weekly share of latent defects found by live use when every user is live.",
        unit="1/week",
        source="Goel & Okumoto 1979",
        ge=0,
        le=1,
    )
    involvement_boost: float = param(
        2.0,
        "Relative increase of the testing detection rate when all users take part and all "
        "feedback is acted upon (users test real workflows).",
        ge=0,
    )


class Training(Section):
    hours_per_user: float = param(
        16.0,
        "Planned training per user before go-live, for roles and waves without their own hours.",
        unit="h",
        source="Longhurst et al. 2019 (3-5 days best)",
        ge=0,
        le=200,
    )
    hours_by_wave: list[Hours] | None = param(
        None,
        "Planned training per user in each wave, one value per wave in planned order (a "
        "later wave can get less or more); unset: hours_per_user for every wave. A role's "
        "own training_hours take precedence.",
        unit="h",
        valid="one value per wave, each 0-200",
    )
    capacity: float = param(
        60.0,
        "Trainer capacity: trainee-hours delivered per week per 100 users of the organisation.",
        unit="h/week/100 users",
        ge=0,
    )
    window_weeks: int = param(
        8,
        "With plan 'fixed': training starts this many weeks before a wave's planned go-live.",
        unit="weeks",
        ge=1,
        le=104,
    )
    plan: Literal["capacity", "fixed"] = param(
        "capacity",
        "'capacity': each wave's training starts as late as lets the trainers reach all its "
        "users by go-live (planned backwards from the last wave: just in time); 'fixed': "
        "window_weeks before go-live, whatever the trainers can deliver (a plan that can "
        "leave a big bang under-trained).",
    )
    forgetting: float = param(
        0.02,
        "Weekly share of the proficiency gained in training that is lost while the user is "
        "still on the old system (no practice).",
        unit="1/week",
        source="Arthur et al. 1998 (skill decay with non-use); weekly value an assumption",
        ge=0,
        le=1,
    )
    effectiveness: float = param(
        1.0,
        "How well training material fits users' work, 0-1.",
        source="KPMG review of Millennium, 2025",
        ge=0,
        le=1,
    )
    half_hours: float = param(
        20.0,
        "Training hours that close half of the proficiency gap.",
        unit="h",
        source="calibrated with system.learning_loss: a healthy big bang dips 25-30 % "
        "(Bhargava & Mishra 2014); 3-5 days of training then close 56-75 % of the gap, "
        "consistent with 3-5 days being best (Longhurst et al. 2019)",
        gt=0,
    )
    on_the_job: float = param(
        0.05,
        "Share of the proficiency gap closed by every 10 hours of use (learning by doing).",
        unit="1/10 h",
        source="calibrated: a healthy big bang recovers from its dip within 3-5 months "
        "(Bhargava & Mishra 2014)",
        ge=0,
        le=1,
    )


class Support(Section):
    staff: int = param(
        31,
        "Help-desk staff (real people) from the first go-live on, paid whether busy or not.",
        unit="people",
        source="assumption: the earlier default capacity (25 tickets a week per 100 users) "
        "for the default organisation of 20,000 users, all live",
        ge=0,
    )
    hours_per_week: float = param(
        40.0,
        "Hours each desk staff member works (and the desk is open) per week.",
        unit="h/week",
        gt=0,
        le=80,
    )
    hours_per_ticket: float = param(
        0.25,
        "Desk staff hours to resolve one ticket.",
        unit="h",
        gt=0,
    )
    tickets_per_hour_lost: float = param(
        0.1,
        "Tickets a live user raises per hour lost to the system (questions, faults).",
        unit="tickets/h",
        ge=0,
    )
    hypercare_weeks: int = param(
        6,
        "Weeks of extra support after a wave goes live.",
        unit="weeks",
        source="practitioner guidance: 2-8 weeks",
        ge=0,
        le=52,
    )
    hypercare_staff: int = param(
        16,
        "Extra desk staff while any wave is in hypercare (one team, however large the "
        "wave), paid like the desk.",
        unit="people",
        source="assumption: the earlier default's hypercare for one of four waves",
        ge=0,
    )
    wait_penalty: float = param(
        0.5,
        "Extra loss (relative) for users whose questions wait at the desk for a week or "
        "more of its opening hours (waits grow steeply near saturation, Erlang C).",
        ge=0,
        le=5,
    )
    super_user_share: float = param(
        0.0,
        "Share of involved users (in each unit) who are super-users: trained more, they "
        "answer colleagues' questions in their unit and coach them.",
        ge=0,
        le=1,
    )
    super_user_training_hours: float = param(
        16.0,
        "Extra training per super-user, on top of their plan.",
        unit="h",
        source="practitioner guidance (super-user courses of 2-5 days)",
        ge=0,
        le=200,
    )
    super_user_hours: float = param(
        2.0,
        "Hours a week each super-user spends helping colleagues once their unit is live "
        "(costed at their wage).",
        unit="h/week",
        ge=0,
        le=40,
    )
    super_user_span: float = param(
        10.0,
        "Colleagues one super-user can coach: a unit with one super-user per this many live "
        "users gets the full peer_learning rate.",
        unit="users",
        source="practitioner guidance (one super-user per 10-20 users)",
        gt=0,
    )
    peer_learning: float = param(
        0.05,
        "Weekly share of the gap between a live user's proficiency and their unit's "
        "super-users' that coaching closes, at full coverage.",
        unit="1/week",
        ge=0,
        le=1,
    )


class Rollout(Section):
    strategy: Literal["big_bang", "phased", "phased_gated", "pilot"] = param(
        "phased",
        "big_bang: all units at once; phased: waves on a fixed schedule; phased_gated: each "
        "wave waits until earlier waves meet the gate criteria; pilot: a pilot first, then "
        "the board decides on what it sees whether the rest goes live in one go or in waves.",
    )
    first_golive_week: int = param(52, "Planned week of the first go-live.", unit="week", ge=0)
    waves: int = param(
        4,
        "Number of waves (phased strategies; pilot: the pilot plus waves - 1 for the rest if "
        "the board phases it; big_bang uses one).",
        unit="waves",
        ge=1,
    )
    wave_interval_weeks: int = param(12, "Planned weeks between waves.", unit="weeks", ge=1, le=260)
    wave_shares: list[Share] | None = param(
        None,
        "Share of the units in each wave, in order (phased strategies), e.g. [0.1, 0.3, "
        "0.6]; when set it gives the number of waves (rollout.waves is then ignored). Unset: "
        "rollout.waves equal waves. Ignored by big_bang and pilot.",
        valid="each > 0, summing to 1",
    )
    pilot_share: float = param(
        0.05,
        "pilot: share of the units in the pilot (at least one unit).",
        gt=0,
        lt=1,
    )
    pilot_weeks: int = param(
        12,
        "pilot: evaluation period, the planned weeks from the pilot's go-live to the rest's.",
        unit="weeks",
        ge=1,
        le=260,
    )
    gate_max_frustration: float = param(
        0.35,
        "phased_gated: highest reported mean frustration of live users to go on; pilot: "
        "highest to send the rest live in one go.",
        ge=0,
        le=1,
    )
    gate_min_adoption: float = param(
        0.5,
        "phased_gated: lowest reported adoption among live users to go on; pilot: lowest to "
        "send the rest live in one go.",
        ge=0,
        le=1,
    )

    @field_validator("wave_shares")
    @classmethod
    def _shares(cls, shares: list[float] | None) -> list[float] | None:
        if shares is not None:
            if not shares:
                raise ValueError("needs at least one share")
            if abs(sum(shares) - 1.0) > 1e-6:
                raise ValueError(f"shares must sum to 1, not {sum(shares):g}")
        return shares

    def units_per_wave(self, units: int) -> list[int]:
        """How many of ``units`` units each wave gets (units are taken in order).

        Unit *u* of *U* is in the wave whose cumulative share interval holds *u / U*; with
        equal shares that is wave ``floor(u W / U)``. A pilot takes the first
        ``ceil(pilot_share U)`` units (at least one) and splits the rest equally.
        """
        if self.strategy == "big_bang":
            return [units]
        if self.strategy == "pilot":
            pilot = max(1, math.ceil(self.pilot_share * units - 1e-9))
            rest = max(self.waves - 1, 1)
            return [pilot, *_split(units - pilot, [1.0 / rest] * rest)]
        shares = self.wave_shares or [1.0 / self.waves] * self.waves
        return _split(units, shares)


class Involvement(Section):
    level: Literal["low", "high", "token", "custom"] = param(
        "low",
        "Preset for (participation, responsiveness): low (0.05, 0.05), high (0.3, 0.8), "
        "token (0.3, 0.05); custom requires both.",
        source="He & King 2008; Bano & Zowghi 2015",
    )
    participation: float | None = param(
        None, "Share of users in design and testing (overrides the preset).", ge=0, le=1
    )
    responsiveness: float | None = param(
        None,
        "Share of participants' feedback that changes the system (overrides the preset).",
        ge=0,
        le=1,
    )
    hours_per_week: float = param(
        2.0,
        "Hours per week each participant spends on involvement while taking part.",
        unit="h/week",
        ge=0,
        le=40,
    )
    start_week: int = param(
        0,
        "Week from which users take part (e.g. after the first go-live: users brought in "
        "only then); before it nobody does.",
        unit="week",
        ge=0,
    )
    participation_live: float | None = param(
        None,
        "Share of the users of a live unit who take part after their unit's go-live (design "
        "changes, testing, reporting misfits); unset: the same as before go-live.",
        ge=0,
        le=1,
    )
    saturation: float = param(
        0.1,
        "Participation at which feedback reaches 63 % of its maximum (a design team "
        "needs only so many users).",
        gt=0,
        le=1,
    )
    usability_gain: float = param(
        0.05,
        "Weekly share of the usability gap closed at full, acted-upon feedback.",
        unit="1/week",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _check(self) -> Involvement:
        if self.level == "custom" and (self.participation is None or self.responsiveness is None):
            raise ValueError("level 'custom' needs both participation and responsiveness")
        return self

    @property
    def resolved(self) -> tuple[float, float]:
        """(participation, responsiveness) after applying the preset and any overrides."""
        preset = INVOLVEMENT_PRESETS.get(self.level, (0.0, 0.0))
        p = preset[0] if self.participation is None else self.participation
        r = preset[1] if self.responsiveness is None else self.responsiveness
        return p, r

    @property
    def participation_after_golive(self) -> float:
        """Share of a live unit's users who take part (``participation_live`` or, unset,
        the participation before go-live)."""
        return self.resolved[0] if self.participation_live is None else self.participation_live


class Adoption(Section):
    p: float = param(
        0.08,
        "External (innovation) part of the weekly hazard of moving from live to adopted.",
        unit="1/week",
        source="Bass 1969; weekly value an assumption",
        ge=0,
        le=5,
    )
    q: float = param(
        0.4,
        "Peer (imitation) part of the weekly adoption hazard, times the adopted share of "
        "colleagues.",
        unit="1/week",
        source="Bass 1969; weekly value an assumption",
        ge=0,
        le=5,
    )
    acceptance_weight: float = param(
        1.0,
        "How much acceptance modulates the hazard: 0 gives pure Bass, 1 full TAM.",
        ge=0,
        le=1,
    )
    intercept: float = param(
        -1.5,
        "Acceptance logit at zero usefulness, ease and influence (beyond +-20 acceptance is "
        "0 or 1 whatever else happens).",
        ge=-50,
        le=50,
    )
    w_usefulness: float = param(
        3.0,
        "Weight of perceived usefulness (fit, few defects) in the acceptance logit.",
        source="Davis 1989; King & He 2006 (PU strongest)",
        ge=0,
        le=50,
    )
    w_ease: float = param(
        1.5,
        "Weight of ease of use (usability x proficiency).",
        source="Davis 1989; King & He 2006",
        ge=0,
        le=50,
    )
    w_social: float = param(
        1.0,
        "Weight of colleagues' adoption (mandatory users; voluntary users get a share).",
        source="Venkatesh & Davis 2000",
        ge=0,
        le=50,
    )
    w_frustration: float = param(
        3.0, "Weight of frustration (negative) in the acceptance logit.", ge=0, le=50
    )
    voluntary_social: float = param(
        0.3,
        "Share of the social weight that applies to voluntary users.",
        source="Venkatesh & Davis 2000",
        ge=0,
        le=1,
    )


class Workaround(Section):
    enter_threshold: float = param(
        0.55, "Frustration above which users start bypassing the system.", ge=0, le=1
    )
    exit_threshold: float = param(
        0.3,
        "Frustration below which users in workaround return (hysteresis).",
        source="Repenning 2002",
        ge=0,
        le=1,
    )
    enter_rate: float = param(
        0.3, "Weekly hazard of entering workaround above the threshold.", unit="1/week", ge=0, le=1
    )
    exit_rate: float = param(
        0.15, "Weekly hazard, times acceptance, of returning.", unit="1/week", ge=0, le=1
    )
    relief: float = param(
        0.8,
        "Share of the strain a user escapes by working around the system (coping); the rest "
        "of the strain of the duplicate work is felt. People choose a workaround to cope, so "
        "it relieves most of the strain; at about 0.5 or less a user in workaround never calms "
        "down enough to return (with the default thresholds), a tipping point.",
        source="assumption, range 0.5-1; direction: workarounds as responses to obstacles "
        "(Alter 2014)",
        ge=0,
        le=1,
    )
    workaround_loss: float = param(
        0.3,
        "Share of system hours lost by a mandatory user working around the system, against "
        "the legacy baseline: the work is done on paper or in a shadow tool and entered again "
        "(duplicate documentation).",
        source="assumption; Millennium: a health centre back on paper (Sweden Herald)",
        ge=0,
        le=1,
    )
    avoid_rate: float = param(
        0.1,
        "Weekly hazard, times (1 - acceptance), that a voluntary live user stays away.",
        unit="1/week",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _check(self) -> Workaround:
        if self.exit_threshold > self.enter_threshold:
            raise ValueError("exit_threshold must not exceed enter_threshold")
        return self


class Frustration(Section):
    stress_per_loss: float = param(
        2.0,
        "Stress (0-1) per share of hours lost: 2 means losing half the time is full stress.",
        gt=0,
    )
    rise: float = param(
        0.5,
        "Weekly share of the gap closed when stress exceeds frustration.",
        unit="1/week",
        ge=0,
        le=1,
    )
    decay: float = param(
        0.08,
        "Weekly share of the gap closed when stress is below frustration.",
        unit="1/week",
        ge=0,
        le=1,
    )
    contagion: float = param(
        0.15,
        "Weekly strength of emotion contagion between colleagues.",
        source="Bosse et al. 2015",
        ge=0,
        le=1,
    )


class Attitude(Section):
    rate: float = param(
        0.03,
        "Weekly share of the gap closed between a user's rating of the system and the quality "
        "they experience this week (a slow attitude beside weekly frustration).",
        unit="1/week",
        source="Hanauer et al. 2016 (satisfaction down and still down after 25 months); "
        "value an assumption",
        ge=0,
        le=1,
    )
    rating_sd: float = param(
        0.15,
        "Spread (standard deviation) between users in how they rate the same system: each "
        "user's rating is offset by a fixed personal amount (some are more critical).",
        source="SUS scores of one system typically vary by 15-20 points between users "
        "(Bangor, Kortum & Miller 2008)",
        ge=0,
        le=0.5,
    )
    workaround_penalty: float = param(
        0.2,
        "How much working around the system (work done twice) lowers the quality a user "
        "experiences, 0-1.",
        ge=0,
        le=1,
    )
    satisfied_threshold: float = param(
        0.7,
        "Rating at or above which a user counts as satisfied in the survey (SUS 70: 'acceptable').",
        source="Bangor, Kortum & Miller 2008 (SUS acceptability ranges)",
        ge=0,
        le=1,
    )
    dissatisfied_threshold: float = param(
        0.5,
        "Rating below which a user counts as dissatisfied in the survey (SUS 50: 'not "
        "acceptable').",
        source="Bangor, Kortum & Miller 2008 (SUS acceptability ranges)",
        ge=0,
        le=1,
    )

    @model_validator(mode="after")
    def _check(self) -> Attitude:
        if self.dissatisfied_threshold > self.satisfied_threshold:
            raise ValueError("dissatisfied_threshold must not exceed satisfied_threshold")
        return self


class Turnover(Section):
    threshold: float = param(
        0.7,
        "Intention to leave above which staff may leave (and count as intending to leave in "
        "the survey). Intention follows frustration slowly (at the attitude rate): lasting "
        "strain, not one bad week.",
        ge=0,
        le=1,
    )
    rate: float = param(
        0.01,
        "Weekly hazard of leaving above the threshold.",
        unit="1/week",
        source="Bernerth et al. 2011 (direction only)",
        ge=0,
        le=1,
    )


class Governance(Section):
    report_delay_weeks: int = param(
        2,
        "Weeks between the state of the organisation and what the board sees.",
        unit="weeks",
        ge=0,
        le=52,
    )
    filtering: float = param(
        0.2,
        "Culture of silence: share of bad news removed from reports, 0-1.",
        source="KPMG review of Millennium, 2025",
        ge=0,
        le=1,
    )
    schedule_pressure: float = param(
        0.3,
        "Pressure to keep dates (fixed dates, payment tied to go-live): lowers the "
        "readiness the board demands, 0-1.",
        source="KPMG review; GP (40 % payment)",
        ge=0,
        le=1,
    )
    readiness_threshold: float = param(
        0.7, "Readiness an unpressured board demands before a go-live, 0-1.", ge=0, le=1
    )
    max_open_defects: int = param(
        100, "Open defects at which the board rates defect readiness zero.", unit="defects", ge=1
    )
    postpone_weeks: int = param(8, "Weeks a postponed wave is moved.", unit="weeks", ge=1, le=104)
    max_postponements: int = param(
        3, "Postponements after which the board goes live regardless.", ge=0, le=50
    )
    halt_frustration: float = param(
        0.6,
        "Reported mean frustration of live users at which the board halts further waves.",
        ge=0,
        le=1,
    )
    pause_weeks: int = param(
        26,
        "Weeks a halt lasts before the board reconsiders (0: the halt is final).",
        unit="weeks",
        ge=0,
        le=520,
    )


class Analysis(Section):
    """Lesson 1: analyse (and modernise) local processes before building."""

    weeks: int = param(
        0,
        "Weeks of process analysis at the start, before build: consultants analyse instead "
        "of localising, staff take part. 0: no analysis.",
        unit="weeks",
        source="article (lesson 1)",
        ge=0,
        le=260,
    )
    full_weeks: int = param(
        26,
        "Weeks a complete analysis of every kind of unit takes; a shorter one covers the "
        "share weeks / full_weeks.",
        unit="weeks",
        ge=1,
        le=260,
    )
    ceiling_without: float = param(
        0.9,
        "Highest fit localisation can reach without analysing and modernising processes "
        "first (an old scenario's system.fit_ceiling is read as this value).",
        source="article (lesson 1)",
        ge=0,
        le=1,
    )
    ceiling_with: float = param(
        0.95,
        "Highest fit localisation can reach after a complete analysis.",
        source="article (lesson 1); value an assumption",
        ge=0,
        le=1,
    )
    analysts: int = param(
        8,
        "Process analysts during the analysis, paid at costs.consultant_rate for "
        "consultants.hours_per_week.",
        unit="people",
        ge=0,
    )
    staff_hours: float = param(
        4.0,
        "Hours each user spends in workshops and interviews over a complete analysis (spread "
        "over its weeks; costed at the user's wage).",
        unit="h/user",
        ge=0,
        le=200,
    )

    @model_validator(mode="after")
    def _check(self) -> Analysis:
        if self.ceiling_without > self.ceiling_with:
            raise ValueError(
                f"ceiling_without ({self.ceiling_without:g}) is above ceiling_with "
                f"({self.ceiling_with:g}): an analysis cannot lower the ceiling; raise "
                "ceiling_with too"
            )
        return self

    @property
    def completeness(self) -> float:
        """Share of the kinds of unit whose processes the analysis covers, 0-1."""
        return min(1.0, self.weeks / self.full_weeks)

    @property
    def ceiling(self) -> float:
        """The fit localisation can reach after this analysis."""
        return self.ceiling_without + self.completeness * (self.ceiling_with - self.ceiling_without)


class Learning(Section):
    from_experience: bool = param(
        True,
        "Whether the programme learns from live use: once a unit is live, all its users "
        "report its misfit (discovered, then localised, as fast as the programme acts on "
        "feedback), and live users' acted-upon feedback raises the consultants' knowledge. "
        "false: neither (misfit is found only by analysis or by involved users' reports).",
    )
    report_rate: float = param(
        0.5,
        "Weekly rate at which a unit's misfit is reported and acted upon at full acted-upon "
        "feedback from the unit: weekly probability 1 - exp(-report_rate * feedback), with "
        "feedback from its participants, or from all its users once it is live.",
        unit="1/week",
        ge=0,
        le=10,
    )


class Costs(Section):
    wage: float = param(450.0, "Cost of one hour of a user's time.", unit="SEK/h", ge=0)
    consultant_rate: float = param(1300.0, "Cost of one consultant hour.", unit="SEK/h", ge=0)
    trainer_rate: float = param(
        600.0, "Cost of one trainer hour (trainee-hour delivered).", unit="SEK/h", ge=0
    )
    helpdesk_rate: float = param(
        500.0,
        "Cost of one hour of help-desk staff (paid whether busy or not).",
        unit="SEK/h",
        ge=0,
    )
    dual_running_per_week: float = param(
        1.0e6,
        "Extra cost per week while old and new systems run side by side (interfaces, "
        "synchronisation, double administration), on top of both systems' own costs.",
        unit="SEK/week",
        source="HRSA; HIMSS (trade-off, no figure)",
        ge=0,
    )
    system_per_week: float = param(
        1.5e6,
        "Licence and operation of the new system per week (from the contract's start, or "
        "from the first go-live: see system_from).",
        unit="SEK/week",
        ge=0,
    )
    system_from: Literal["contract", "golive"] = param(
        "contract",
        "When the new system's cost starts: 'contract' (week 0; the contract is signed "
        "whether or not anyone goes live) or 'golive' (the first go-live).",
        source="Millennium: a 10-year contract (Läkartidningen 2019-09)",
    )
    replacement_per_leaver: float = param(
        250_000.0,
        "Cost of recruiting and introducing a replacement for each member of staff who leaves "
        "(scaled like other user costs).",
        unit="SEK/person",
        source="assumption: about half a year's salary",
        ge=0,
    )
    legacy_per_week: float = param(
        1.5e6,
        "Licences, maintenance and operation of the legacy systems per week, paid until the "
        "last user has moved to the new system.",
        unit="SEK/week",
        source="assumption (Millennium replaces 30-40 systems, Läkartidningen 2019-09)",
        ge=0,
    )
    discount_rate: float = param(
        0.0,
        "Annual discount rate for net benefit (0: undiscounted). Swedish public appraisals "
        "often use 3.5 % (real).",
        unit="1/year",
        source="Trafikverket ASEK (3.5 % real) as an example",
        ge=0,
        le=0.5,
    )


class RunSettings(Section):
    steps: int = param(
        156, "Weeks simulated (default three years).", unit="weeks", ge=1, le=MAX_STEPS
    )


class Scenario(Section):
    """A complete, validated scenario. Every table is optional in a file."""

    meta: Meta = Field(default_factory=Meta)
    population: Population = Field(default_factory=Population)
    network: Network = Field(default_factory=Network)
    system: System = Field(default_factory=System)
    consultants: Consultants = Field(default_factory=Consultants)
    testing: Testing = Field(default_factory=Testing)
    training: Training = Field(default_factory=Training)
    support: Support = Field(default_factory=Support)
    rollout: Rollout = Field(default_factory=Rollout)
    involvement: Involvement = Field(default_factory=Involvement)
    analysis: Analysis = Field(default_factory=Analysis)
    learning: Learning = Field(default_factory=Learning)
    adoption: Adoption = Field(default_factory=Adoption)
    workaround: Workaround = Field(default_factory=Workaround)
    frustration: Frustration = Field(default_factory=Frustration)
    attitude: Attitude = Field(default_factory=Attitude)
    turnover: Turnover = Field(default_factory=Turnover)
    governance: Governance = Field(default_factory=Governance)
    costs: Costs = Field(default_factory=Costs)
    run: RunSettings = Field(default_factory=RunSettings)

    @model_validator(mode="before")
    @classmethod
    def _old_fit_ceiling(cls, data: Any) -> Any:
        """Deprecated: ``system.fit_ceiling`` is read as ``analysis.ceiling_without`` (the
        ceiling without a process analysis, which is what it meant)."""
        if not isinstance(data, dict) or not isinstance(data.get("system"), dict):
            return data
        if "fit_ceiling" not in data["system"]:
            return data
        warnings.warn(
            "system.fit_ceiling is deprecated: it is read as analysis.ceiling_without (the fit "
            "ceiling without a process analysis); write that key instead",
            DeprecationWarning,
            stacklevel=2,
        )
        system = dict(data["system"])
        ceiling = system.pop("fit_ceiling")
        analysis = dict(data.get("analysis") or {})
        if "ceiling_without" in analysis:
            raise ValueError(
                "system.fit_ceiling (deprecated) and analysis.ceiling_without are the same "
                "parameter: keep analysis.ceiling_without"
            )
        analysis["ceiling_without"] = ceiling
        if "ceiling_with" not in analysis and isinstance(ceiling, int | float):
            analysis["ceiling_with"] = max(ceiling, Analysis().ceiling_with)
        return {**data, "system": system, "analysis": analysis}

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        waves, units = self.effective_waves, self.population.units
        if waves > units:
            raise ValueError(f"rollout.waves ({waves}) exceeds population.units ({units})")
        per_wave = self.rollout.units_per_wave(units)
        if min(per_wave) < 1:
            empty = per_wave.index(min(per_wave))
            key = "pilot_share" if self.rollout.strategy == "pilot" else "wave_shares"
            raise ValueError(f"rollout.{key}: wave {empty} gets none of the {units} units")
        if self.system.initial_fit > self.analysis.ceiling_without:
            raise ValueError(
                "system.initial_fit is above analysis.ceiling_without (the fit ceiling)"
            )
        hours = self.training.hours_by_wave
        if hours is not None and len(hours) != waves:
            raise ValueError(f"training.hours_by_wave has {len(hours)} values for {waves} wave(s)")
        return self

    @property
    def effective_waves(self) -> int:
        """Waves actually used: one for big bang; the number of wave shares, or
        ``rollout.waves``, when phased; a pilot plus ``waves - 1`` (at least one) waves
        for the rest."""
        r = self.rollout
        if r.strategy == "big_bang":
            return 1
        if r.strategy == "pilot":
            return 1 + max(r.waves - 1, 1)
        return len(r.wave_shares) if r.wave_shares is not None else r.waves
