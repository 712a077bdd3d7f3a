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

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from sim.defaults import MAX_STEPS

INVOLVEMENT_PRESETS: dict[str, tuple[float, float]] = {
    # level: (participation, responsiveness)
    "low": (0.05, 0.2),
    "high": (0.30, 0.8),
    "token": (0.30, 0.05),
}
"""Presets for ``involvement.level``. Participation is the share of users who take part in
design and testing; responsiveness the share of their feedback that changes the system.
Token involvement is many participants whose objections have no effect (docs/cases.md:
the Skolplattformen reference group, Millennium's involved staff)."""

STRATEGIES = ("big_bang", "phased", "phased_gated")

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
) -> Any:
    """A documented scenario parameter: default, meaning, unit, range and source.

    A number without an upper bound gets :data:`LIMIT`, one without a lower bound
    ``-LIMIT``, so every number in a scenario is finite and bounded.
    """
    if isinstance(default, int | float) and not isinstance(default, bool):
        kind = type(default)
        le = kind(LIMIT) if le is None else le
        ge = -kind(LIMIT) if ge is None and gt is None else ge
    return Field(
        default,
        description=doc,
        ge=ge,
        le=le,
        gt=gt,
        json_schema_extra={"unit": unit, "source": source},
    )


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
    fit_ceiling: float = param(
        0.9,
        "Highest fit localisation can reach; analysing and modernising processes before "
        "digitalising raises it.",
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
        "system's fit plus a fixed offset with this standard deviation, clipped to 0-1.",
        ge=0,
        le=0.5,
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
        0.45,
        "Share of system hours lost by a user with zero proficiency (learning curve).",
        source="calibrated: a healthy big bang of the default organisation dips about 25 % "
        "(Bhargava & Mishra 2014)",
        ge=0,
        le=1,
    )
    usability_loss: float = param(0.1, "Share of system hours lost at zero usability.", ge=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> System:
        if self.initial_fit > self.fit_ceiling:
            raise ValueError("initial_fit is above fit_ceiling")
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
        "Weekly share of the knowledge gap closed at full participation x responsiveness.",
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
    hours_per_fix: float = param(
        12.0, "Consultant hours to fix one defect at full knowledge.", unit="h", gt=0
    )
    coordination_overhead: float = param(
        0.003,
        "Productivity lost per additional consultant (communication paths grow as n^2).",
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
        "Planned training per user before go-live.",
        unit="h",
        source="Longhurst et al. 2019 (3-5 days best)",
        ge=0,
        le=200,
    )
    capacity: float = param(
        60.0,
        "Trainer capacity: trainee-hours delivered per week per 100 users of the organisation.",
        unit="h/week/100 users",
        ge=0,
    )
    window_weeks: int = param(
        8,
        "Training starts this many weeks before a unit's planned go-live.",
        unit="weeks",
        ge=1,
        le=104,
    )
    effectiveness: float = param(
        1.0,
        "How well training material fits users' work, 0-1.",
        source="KPMG review of Millennium, 2025",
        ge=0,
        le=1,
    )
    half_hours: float = param(
        10.0, "Training hours that close half of the proficiency gap.", unit="h", gt=0
    )
    on_the_job: float = param(
        0.03,
        "Share of the proficiency gap closed by every 10 hours of use (learning by doing).",
        unit="1/10 h",
        ge=0,
        le=1,
    )


class Support(Section):
    capacity: float = param(
        25.0,
        "Tickets answered per week per 100 users on the new system.",
        unit="tickets/week/100 users",
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
    hypercare_multiplier: float = param(
        3.0, "Support capacity multiplier for users in hypercare.", ge=1
    )
    ticket_rate: float = param(
        1.5,
        "Tickets per user per week when all of the user's time is lost.",
        unit="tickets/user/week",
        ge=0,
    )
    wait_penalty: float = param(
        0.5,
        "Extra loss (relative) when the backlog is a week or more of capacity "
        "(waits explode near saturation, Erlang C).",
        ge=0,
        le=5,
    )


class Rollout(Section):
    strategy: Literal["big_bang", "phased", "phased_gated"] = param(
        "phased",
        "big_bang: all units at once; phased: waves on a fixed schedule; phased_gated: each "
        "wave waits until earlier waves meet the gate criteria.",
    )
    first_golive_week: int = param(52, "Planned week of the first go-live.", unit="week", ge=0)
    waves: int = param(
        4, "Number of waves (phased strategies; big_bang uses one).", unit="waves", ge=1
    )
    wave_interval_weeks: int = param(12, "Planned weeks between waves.", unit="weeks", ge=1, le=260)
    gate_max_frustration: float = param(
        0.35,
        "phased_gated: highest reported mean frustration of live users to go on.",
        ge=0,
        le=1,
    )
    gate_min_adoption: float = param(
        0.5, "phased_gated: lowest reported adoption among live users to go on.", ge=0, le=1
    )


class Involvement(Section):
    level: Literal["low", "high", "token", "custom"] = param(
        "low",
        "Preset for (participation, responsiveness): low (0.05, 0.2), high (0.3, 0.8), "
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
        "Hours per week each participant spends on involvement before go-live.",
        unit="h/week",
        ge=0,
        le=40,
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
    workaround_loss: float = param(
        0.1,
        "Share of system hours lost by a mandatory user working around the system.",
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


class Turnover(Section):
    threshold: float = param(0.7, "Frustration above which staff may leave.", ge=0, le=1)
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


class Costs(Section):
    wage: float = param(450.0, "Cost of one hour of a user's time.", unit="SEK/h", ge=0)
    consultant_rate: float = param(1300.0, "Cost of one consultant hour.", unit="SEK/h", ge=0)
    trainer_rate: float = param(
        600.0, "Cost of one trainer hour (trainee-hour delivered).", unit="SEK/h", ge=0
    )
    support_rate: float = param(500.0, "Cost of answering one ticket.", unit="SEK/ticket", ge=0)
    dual_running_per_week: float = param(
        1.0e6,
        "Cost per week of running old and new systems side by side (and interfaces).",
        unit="SEK/week",
        source="HRSA; HIMSS (trade-off, no figure)",
        ge=0,
    )
    system_per_week: float = param(
        1.5e6,
        "Licence and operation of the new system per week once any unit is live.",
        unit="SEK/week",
        ge=0,
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
    adoption: Adoption = Field(default_factory=Adoption)
    workaround: Workaround = Field(default_factory=Workaround)
    frustration: Frustration = Field(default_factory=Frustration)
    turnover: Turnover = Field(default_factory=Turnover)
    governance: Governance = Field(default_factory=Governance)
    costs: Costs = Field(default_factory=Costs)
    run: RunSettings = Field(default_factory=RunSettings)

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        waves = self.effective_waves
        if waves > self.population.units:
            raise ValueError(
                f"rollout.waves ({waves}) exceeds population.units ({self.population.units})"
            )
        return self

    @property
    def effective_waves(self) -> int:
        """Waves actually used: one for big bang, ``rollout.waves`` otherwise."""
        return 1 if self.rollout.strategy == "big_bang" else self.rollout.waves
