"""The user population as NumPy arrays, and the colleague network.

Users are Mesa agents (:class:`sim.model.agents.UserAgent`), but their state lives here in
one array per variable so that each weekly process is a handful of vectorised operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import scipy.sparse as sp

from sim.scenario.schema import Scenario


class UsageState(IntEnum):
    """Where a user stands with the new system."""

    WAITING = 0  # still on the legacy system
    LIVE = 1  # the unit has gone live; not yet routine use
    ADOPTED = 2  # routine, productive use
    WORKAROUND = 3  # bypasses the system (paper, shadow tools, a third-party app, nothing)
    LEFT = 4  # left the organisation (quit, long sick leave)


@dataclass
class Population:
    """Per-user arrays. Fixed attributes come from the role; state changes weekly."""

    role: np.ndarray  # int, index into role_names
    unit: np.ndarray  # int, index of the user's unit
    wave: np.ndarray  # int, wave of the user's unit
    mandatory: np.ndarray  # bool
    hours: np.ndarray  # hours per week on the system
    wage: np.ndarray  # cost of an hour of the user's time (SEK)
    sensitivity: np.ndarray
    fit_offset: np.ndarray  # the user's unit's deviation from the system's fit at the start
    voice: np.ndarray
    can_leave: np.ndarray  # bool
    involvement_draw: np.ndarray  # uniform draw: takes part while below the participation
    involved: np.ndarray  # bool: takes part in design and testing at some time
    super_user: np.ndarray  # bool: an involved user trained more, who helps colleagues
    skill: np.ndarray  # proficiency before any training or use (digital skill)
    proficiency: np.ndarray
    trained: np.ndarray  # training hours received
    frustration: np.ndarray
    acceptance: np.ndarray
    rating: np.ndarray  # the user's lasting rating of the system they work with, 0-1 (SUS/100)
    rating_bias: np.ndarray  # how much more (or less) favourably this user rates any system
    intention: np.ndarray  # intention to leave, 0-1
    state: np.ndarray  # int8, UsageState
    lost_hours: np.ndarray  # hours lost in the current week
    unit_kind: np.ndarray  # per unit: its kind (units of a kind have similar processes)
    kind_offset: np.ndarray  # per kind: the fit offset its units share, at the start
    own_offset: np.ndarray  # per unit: the unit's own fit offset, at the start
    role_names: list[str] = field(default_factory=list)
    _unit_starts: np.ndarray | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return self.role.size

    def unit_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (one per user) over each unit's users. Units are contiguous
        blocks of users (:func:`build_population`), so this is a segment sum."""
        if self._unit_starts is None:
            self._unit_starts = np.searchsorted(self.unit, np.arange(self.unit_kind.size))
        return np.add.reduceat(np.asarray(values, dtype=float), self._unit_starts)


def allocate(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` into integer counts proportional to ``shares`` (largest remainder)."""
    raw = shares / shares.sum() * total
    counts = np.floor(raw).astype(np.int64)
    short = total - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def usefulness_weight(scenario: Scenario) -> float:
    """Weight of perceived usefulness against ease of use in a user's rating: the acceptance
    model's weights (usefulness weighs more, Davis 1989)."""
    a = scenario.adoption
    return a.w_usefulness / max(a.w_usefulness + a.w_ease, 1e-12)


def legacy_rating(scenario: Scenario) -> float:
    """How a (fully proficient) user rates the legacy systems, before any personal bias."""
    s = scenario.system
    w = usefulness_weight(scenario)
    return w * s.legacy_fit + (1.0 - w) * s.legacy_usability


def build_population(scenario: Scenario, rng: np.random.Generator) -> Population:
    """Create the users: roles by share, units mixing roles, waves of units, participants
    and super-users; skills and sensitivities vary around their role's values, fit varies
    between kinds of unit and between units."""
    pop = scenario.population
    n, n_units = pop.size, pop.units
    names = list(pop.roles)
    specs = [pop.roles[name] for name in names]
    counts = allocate(n, np.array([s.share for s in specs]))
    role = rng.permutation(np.repeat(np.arange(len(names)), counts))
    # Units are contiguous blocks of users (roles are already in random order), so that
    # colleagues are close in memory and the network's sums run faster; waves are
    # contiguous blocks of units.
    unit = np.arange(n) * n_units // n
    per_wave = scenario.rollout.units_per_wave(n_units)
    unit_wave = np.repeat(np.arange(len(per_wave)), per_wave)
    draw = rng.random(n)
    inv = scenario.involvement
    involved = draw < max(inv.resolved[0], inv.participation_after_golive)

    def per_role(attr: str, dtype=float, default=None) -> np.ndarray:
        values = [getattr(s, attr) for s in specs]
        return np.array([default if v is None else v for v in values], dtype=dtype)[role]

    skill = np.clip(per_role("digital_skill") + rng.normal(0.0, pop.skill_sd, n), 0.0, 1.0)
    sigma = pop.sensitivity_sd
    sensitivity = per_role("sensitivity") * np.exp(rng.normal(-(sigma**2) / 2, sigma, n))
    unit_kind = np.arange(n_units) % pop.unit_kinds
    sd, shared = scenario.system.unit_fit_sd, scenario.system.misfit_shared
    kind_offset = rng.normal(0.0, sd * np.sqrt(shared), pop.unit_kinds)
    own_offset = rng.normal(0.0, sd * np.sqrt(1.0 - shared), n_units)
    unit_offset = kind_offset[unit_kind] + own_offset
    attitude = scenario.attitude
    bias = rng.normal(0.0, attitude.rating_sd, n)
    super_user = involved & (rng.random(n) < scenario.support.super_user_share)
    return Population(
        role=role,
        unit=unit,
        wave=unit_wave[unit],
        mandatory=per_role("mandatory", bool),
        hours=per_role("hours_per_week"),
        wage=per_role("wage", default=scenario.costs.wage),
        sensitivity=sensitivity,
        fit_offset=unit_offset[unit],
        voice=per_role("voice"),
        can_leave=per_role("can_leave", bool),
        involvement_draw=draw,
        involved=involved,
        super_user=super_user,
        skill=skill,
        proficiency=skill.copy(),
        trained=np.zeros(n),
        frustration=np.zeros(n),
        acceptance=np.zeros(n),
        rating=np.clip(legacy_rating(scenario) + bias, 0.0, 1.0),
        rating_bias=bias,
        intention=np.zeros(n),
        state=np.full(n, UsageState.WAITING, dtype=np.int8),
        lost_hours=np.zeros(n),
        unit_kind=unit_kind,
        kind_offset=kind_offset,
        own_offset=own_offset,
        role_names=names,
    )


class ColleagueNetwork:
    """Who influences whom. ``neighbour_mean(x)`` is each user's mean of ``x`` over colleagues.

    The ``units`` kind is a sparse random graph, dense inside units with a few ties across;
    the ``complete`` kind is mean-field: every user sees the population mean, and no edges
    are built.
    """

    def __init__(self, adjacency: sp.csr_array | None, size: int):
        self.adjacency = adjacency
        self.size = size
        if adjacency is None:
            self.degree = np.full(size, float(size))
        else:
            self.degree = np.asarray(adjacency.sum(axis=1), dtype=float).ravel()
        self._inv_degree = np.divide(1.0, self.degree, out=np.zeros(size), where=self.degree > 0)

    @property
    def complete(self) -> bool:
        return self.adjacency is None

    def neighbour_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of ``values`` over each user's colleagues (0 for a user with none).
        Mean-field: the population mean, broadcast to every user."""
        if self.adjacency is None:
            return np.broadcast_to(values.mean(), values.shape)
        return (self.adjacency @ values) * self._inv_degree


def build_network(
    scenario: Scenario, unit: np.ndarray, rng: np.random.Generator
) -> ColleagueNetwork:
    """A seeded colleague network: random ties inside units plus a few across units."""
    n = unit.size
    spec = scenario.network
    if spec.kind == "complete":
        return ColleagueNetwork(None, n)
    order = np.argsort(unit, kind="stable")
    sizes = np.bincount(unit, minlength=scenario.population.units)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    n_within = int(round(n * spec.within_degree / 2))
    a = rng.integers(0, n, n_within)
    ua = unit[a]
    b = order[starts[ua] + (rng.random(n_within) * sizes[ua]).astype(np.int64)]
    n_across = int(round(n * spec.across_degree / 2))
    c = rng.integers(0, n, n_across)
    d = rng.integers(0, n, n_across)
    rows = np.concatenate((a, c))
    cols = np.concatenate((b, d))
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    sym_rows = np.concatenate((rows, cols))
    sym_cols = np.concatenate((cols, rows))
    adj = sp.csr_array((np.ones(sym_rows.size), (sym_rows, sym_cols)), shape=(n, n), dtype=float)
    adj.sum_duplicates()
    adj.data[:] = 1.0
    adj.indices = adj.indices.astype(np.int32)  # half the index traffic in every product
    adj.indptr = adj.indptr.astype(np.int32)
    return ColleagueNetwork(adj, n)
