"""Uncertain worlds: distributions on scenario keys, Latin hypercube samples, world seeds.

An experiment file's ``[uncertainties]`` table puts a distribution on numeric dotted
scenario keys; a *world* is one draw of all of them together::

    [uncertainties]
    "training.hours_per_user" = { distribution = "uniform", low = 4, high = 32 }
    "system.latent_defects" = { distribution = "log_uniform", low = 100, high = 1000 }
    "system.initial_fit" = { distribution = "triangular", low = 0.4, mode = 0.65, high = 0.8 }
    "governance.filtering" = { distribution = "truncated_normal", mean = 0.2, sd = 0.1,
                               low = 0, high = 0.6 }
    "support.hypercare_weeks" = { distribution = "choice", values = [2, 6, 8],
                                  weights = [1, 2, 1] }

:func:`parse_uncertainties` checks the table against the scenario schema
(:mod:`sim.scenario.schema`) and returns :class:`Uncertainty` objects. Every design maps
points of the unit cube ``[0, 1]^d`` through each distribution's inverse CDF
(:meth:`Uncertainty.ppf`), so a distribution has one definition whatever the design:

- :func:`latin_hypercube` samples ``N`` worlds for a sweep over worlds (McKay, Beckman &
  Conover 1979, via :class:`scipy.stats.qmc.LatinHypercube`);
- :func:`salib_problem` describes the same uncertainties on the unit cube for SALib's
  Morris and Sobol samplers (see :mod:`sim.analysis.sensitivity`), whose unit samples go
  through the same :func:`unit_to_values`.

On an integer key (an ``int`` field of the schema) samples are integers: a continuous
distribution over ``[low, high]`` is widened by half a unit at each end and rounded to the
nearest integer, so every integer in ``[low, high]`` gets the probability of its unit
interval (a uniform gives each the same chance).

Seeds. The design is drawn from a seed derived from the experiment's root seed
(:func:`design_seed`); run ``replicate`` of world ``world`` gets :func:`world_seed`, which
does not depend on the condition, so every condition runs in the same worlds with the same
random numbers (common random numbers; Law 2015, ch. 11) and conditions can be compared
world by world. In a sensitivity design (Morris, Sobol) replicate ``replicate`` gets
:func:`sample_seed` at *every* sample point and in every condition, so the difference
between two sample points comes from the parameters, not from different random draws.

References
----------
McKay, M. D., Beckman, R. J. & Conover, W. J. (1979). A comparison of three methods for
selecting values of input variables in the analysis of output from a computer code.
*Technometrics*, 21(2), 239-245.
Law, A. M. (2015). *Simulation Modeling and Analysis* (5th ed.), ch. 11 (common random
numbers). McGraw-Hill.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import annotated_types
import numpy as np
import pandas as pd
from pydantic.fields import FieldInfo
from scipy import stats
from scipy.stats import qmc

from sim.errors import InputError, nearest
from sim.scenario import schema_field

TABLE = "uncertainties"
WORLD = "world"
"""The column of a world's number (0 to N - 1) in design tables and ``runs.csv``."""


# --- Distributions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Uniform:
    """Uniform on ``[low, high]``."""

    name: ClassVar[str] = "uniform"
    low: float
    high: float

    def check(self) -> None:
        _check_range(self.low, self.high)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def widened(self, by: float) -> Uniform:
        return Uniform(self.low - by, self.high + by)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return stats.uniform.ppf(u, loc=self.low, scale=self.high - self.low)


@dataclass(frozen=True)
class LogUniform:
    """Log-uniform (reciprocal) on ``[low, high]``, ``0 < low``: uniform in ``log x``."""

    name: ClassVar[str] = "log_uniform"
    low: float
    high: float

    def check(self) -> None:
        if self.low <= 0:
            raise ValueError(f"low must be above 0 for a log-uniform (got {self.low:g})")
        _check_range(self.low, self.high)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def widened(self, by: float) -> LogUniform:
        return LogUniform(self.low - by, self.high + by)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return stats.loguniform.ppf(u, self.low, self.high)


@dataclass(frozen=True)
class Triangular:
    """Triangular on ``[low, high]`` with its peak at ``mode``."""

    name: ClassVar[str] = "triangular"
    low: float
    mode: float
    high: float

    def check(self) -> None:
        _check_range(self.low, self.high)
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"mode {self.mode:g} is outside [low, high] = [{self.low:g}, {self.high:g}]"
            )

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def widened(self, by: float) -> Triangular:
        return Triangular(self.low - by, self.mode, self.high + by)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        scale = self.high - self.low
        return stats.triang.ppf(u, (self.mode - self.low) / scale, loc=self.low, scale=scale)


@dataclass(frozen=True)
class TruncatedNormal:
    """Normal with ``mean`` and ``sd``, truncated to ``[low, high]``."""

    name: ClassVar[str] = "truncated_normal"
    mean: float
    sd: float
    low: float
    high: float

    def check(self) -> None:
        if self.sd <= 0:
            raise ValueError(f"sd must be above 0 (got {self.sd:g})")
        _check_range(self.low, self.high)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def widened(self, by: float) -> TruncatedNormal:
        return TruncatedNormal(self.mean, self.sd, self.low - by, self.high + by)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)


@dataclass(frozen=True)
class Choice:
    """One of ``values``, with probabilities proportional to ``weights`` (equal if none)."""

    name: ClassVar[str] = "choice"
    values: tuple[float, ...]
    weights: tuple[float, ...] | None = None

    def check(self) -> None:
        if len(self.values) < 2:
            raise ValueError("needs at least two values")
        if len(set(self.values)) != len(self.values):
            raise ValueError("values repeat")
        if self.weights is None:
            return
        if len(self.weights) != len(self.values):
            raise ValueError(
                f"{len(self.weights)} weights for {len(self.values)} values; give one each"
            )
        if min(self.weights) < 0 or sum(self.weights) <= 0:
            raise ValueError("weights must be >= 0 with a positive sum")

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def probabilities(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, float)
        return w / w.sum()

    def ppf(self, u: np.ndarray) -> np.ndarray:
        edges = np.cumsum(self.probabilities())[:-1]
        index = np.searchsorted(edges, u, side="right")
        return np.asarray(self.values)[index]


Distribution = Uniform | LogUniform | Triangular | TruncatedNormal | Choice
DISTRIBUTIONS: dict[str, type] = {
    cls.name: cls for cls in (Uniform, LogUniform, Triangular, TruncatedNormal, Choice)
}
"""Distribution name (as written in a file) -> class; its fields are the parameters."""


_OTHER_NAMES = {
    "unif": "uniform",
    "loguniform": "log_uniform",
    "logunif": "log_uniform",
    "reciprocal": "log_uniform",
    "triang": "triangular",
    "norm": "truncated_normal",
    "normal": "truncated_normal",
    "truncnorm": "truncated_normal",
    "discrete": "choice",
}
"""Names other libraries (SciPy, SALib) use, for a did-you-mean hint."""


def _check_range(low: float, high: float) -> None:
    if low == high:
        raise ValueError(f"empty range: low = high = {low:g}")
    if low > high:
        raise ValueError(f"inverted range: low {low:g} > high {high:g}")


# --- One uncertainty --------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertainty:
    """A distribution on one dotted scenario key; ``integer`` for an ``int`` field."""

    key: str
    distribution: Distribution
    integer: bool = False

    def ppf(self, u) -> np.ndarray:
        """Inverse CDF: unit-cube coordinates ``u`` (in ``[0, 1]``) to values of the key.

        Integer keys get integers (see the module docstring); ``u`` of exactly 0 or 1 gives
        the ends of the range.
        """
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        dist = self.distribution
        if not self.integer:
            return dist.ppf(u).astype(float)
        if isinstance(dist, Choice):
            return dist.ppf(u).astype(np.int64)
        low, high = dist.support()
        x = np.floor(dist.widened(0.5).ppf(u) + 0.5)
        return np.clip(x, low, high).astype(np.int64)

    def as_json(self) -> dict[str, Any]:
        """The inline table as it would be written in a file (for manifests)."""
        params = {
            k: list(v) if isinstance(v, tuple) else v
            for k, v in vars(self.distribution).items()
            if v is not None
        }
        return {"distribution": self.distribution.name, **params}


def parse_uncertainties(
    raw: Any,
    *,
    source: str | None = None,
    fixed: Mapping[str, str] | None = None,
) -> tuple[Uncertainty, ...]:
    """Check an ``[uncertainties]`` table (as read from TOML) and build its uncertainties.

    ``raw`` maps dotted scenario keys to inline tables with a ``distribution`` and its
    parameters (:data:`DISTRIBUTIONS`). ``fixed`` maps keys that the experiment already sets
    (its factors and overrides) to the name of the table that sets them; such a key can't
    also be uncertain. Raises :class:`InputError` with ``key="uncertainties.KEY"`` and a
    one-line message for an unknown key (with the nearest valid one), a key that is not a
    number, an unknown distribution or parameter, a missing parameter, an empty or
    inverted range, a range outside the key's bounds in the schema, or a non-integer
    bound on an integer key. The order of the table is kept.
    """
    if not isinstance(raw, dict):
        raise InputError("must be a table", source=source, key=TABLE)
    if not raw:
        raise InputError("needs at least one uncertain key", source=source, key=TABLE)
    fixed = fixed or {}
    out = []
    for key, spec in raw.items():
        where = f"{TABLE}.{key}"
        if key in fixed:
            raise InputError(f"also set in [{fixed[key]}]", source=source, key=where)
        try:
            out.append(_uncertainty(key, spec))
        except ValueError as exc:
            raise InputError(str(exc), source=source, key=where) from None
    return tuple(out)


def _uncertainty(key: str, spec: Any) -> Uncertainty:
    field = numeric_field(key)
    integer = _is_integer_field(field)
    if not isinstance(spec, dict):
        raise ValueError(
            'must be an inline table, e.g. { distribution = "uniform", low = 0, high = 1 }'
        )
    dist = _distribution(spec, integer)
    _check_bounds(dist, field)
    return Uncertainty(key, dist, integer)


def numeric_field(key: str) -> FieldInfo:
    """The schema field of a dotted scenario key that holds a number.

    Raises ``ValueError`` for a malformed or unknown key (suggesting the nearest valid one),
    a table, or a field that is not a number (booleans and names are not).
    """
    try:
        field = schema_field(key)
    except InputError as exc:
        raise ValueError(exc.detail) from None
    if _number_type(field.annotation) is None:
        raise ValueError(f"is not a number ({_type_name(field.annotation)}): use a factor")
    return field


def _number_type(annotation: Any) -> type | None:
    """``int`` or ``float`` for a numeric annotation (``float | None`` too), else None."""
    if annotation in (int, float):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = {_number_type(a) for a in typing.get_args(annotation) if a is not type(None)}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(map(repr, typing.get_args(annotation)))
    return getattr(annotation, "__name__", str(annotation))


def _is_integer_field(field: FieldInfo) -> bool:
    return _number_type(field.annotation) is int


def _distribution(spec: dict, integer: bool) -> Distribution:
    name = spec.get("distribution")
    if name is None:
        raise ValueError(f"missing 'distribution' (one of {', '.join(DISTRIBUTIONS)})")
    if name not in DISTRIBUTIONS:
        near = _OTHER_NAMES.get(str(name).lower()) or nearest(str(name), DISTRIBUTIONS)
        hint = f"did you mean '{near}'?" if near else f"one of {', '.join(DISTRIBUTIONS)}"
        raise ValueError(f"unknown distribution {name!r} ({hint})")
    cls = DISTRIBUTIONS[name]
    fields = {f for f in cls.__dataclass_fields__ if f != "name"}
    required = [
        f for f, d in cls.__dataclass_fields__.items() if f in fields and d.default is not None
    ]
    params = {k: v for k, v in spec.items() if k != "distribution"}
    for k in params:
        if k not in fields:
            near = nearest(k, sorted(fields))
            hint = f"did you mean '{near}'?" if near else f"{name} takes {', '.join(required)}"
            raise ValueError(f"unknown parameter '{k}' of {name} ({hint})")
    missing = [f for f in required if f not in params]
    if missing:
        raise ValueError(f"{name} needs {', '.join(missing)}")
    values = {k: _parameter(name, k, v, integer) for k, v in params.items()}
    dist = cls(**values)
    dist.check()
    return dist


def _parameter(dist: str, name: str, value: Any, integer: bool) -> Any:
    if name in ("values", "weights"):
        if not isinstance(value, list):
            raise ValueError(f"{name} must be a list of numbers")
        numbers = tuple(_number(name, v) for v in value)
        if name == "values" and integer and not all(float(v).is_integer() for v in numbers):
            raise ValueError("values must be whole numbers on an integer key")
        return numbers
    number = _number(name, value)
    if integer and name in ("low", "high") and not float(number).is_integer():
        raise ValueError(f"{name} must be a whole number on an integer key (got {number:g})")
    return number


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number (got {value!r})")
    return value


def _check_bounds(dist: Distribution, field: FieldInfo) -> None:
    """The distribution's support must lie within the field's ``ge``/``gt``/``le``/``lt``."""
    values = dist.values if isinstance(dist, Choice) else dist.support()
    low, high = min(values), max(values)
    what = "a value" if isinstance(dist, Choice) else "the range"
    for rule in field.metadata:
        if isinstance(rule, annotated_types.Ge) and low < rule.ge:
            raise ValueError(f"{what} goes below the key's minimum {rule.ge:g} (low {low:g})")
        if isinstance(rule, annotated_types.Gt) and low <= rule.gt:
            raise ValueError(f"{what} must stay above {rule.gt:g} (low {low:g})")
        if isinstance(rule, annotated_types.Le) and high > rule.le:
            raise ValueError(f"{what} goes above the key's maximum {rule.le:g} (high {high:g})")
        if isinstance(rule, annotated_types.Lt) and high >= rule.lt:
            raise ValueError(f"{what} must stay below {rule.lt:g} (high {high:g})")


def check_worlds(worlds: Any, uncertainties: Iterable[Uncertainty] | None, *, source=None) -> int:
    """Check ``[experiment] worlds``: an integer >= 1, and only with uncertainties."""
    key = "experiment.worlds"
    if isinstance(worlds, bool) or not isinstance(worlds, int):
        raise InputError(f"must be a whole number (got {worlds!r})", source=source, key=key)
    if worlds < 1:
        raise InputError(f"must be at least 1 (got {worlds})", source=source, key=key)
    if not uncertainties:
        raise InputError("needs an [uncertainties] table to sample", source=source, key=key)
    return worlds


# --- Designs ----------------------------------------------------------------------------


def unit_to_values(uncertainties: Iterable[Uncertainty], unit: np.ndarray) -> pd.DataFrame:
    """Map unit-cube points (one row per point, one column per uncertainty) to values.

    Returns one column per dotted key, in order: ``int64`` for integer keys, else float.
    """
    uncertainties = tuple(uncertainties)
    unit = np.atleast_2d(np.asarray(unit, dtype=float))
    if unit.shape[1] != len(uncertainties):
        raise ValueError(f"{unit.shape[1]} columns for {len(uncertainties)} uncertainties")
    return pd.DataFrame({u.key: u.ppf(unit[:, j]) for j, u in enumerate(uncertainties)})


def latin_hypercube(uncertainties: Iterable[Uncertainty], worlds: int, root: int) -> pd.DataFrame:
    """``worlds`` worlds sampled by Latin hypercube, reproducible from the root seed.

    Each uncertainty's range is cut into ``worlds`` strata of equal probability and every
    stratum is used exactly once (McKay et al. 1979), which covers the ranges more evenly
    than independent draws. Returns a table with the column ``world`` (0 to ``worlds - 1``)
    and one column per dotted key; the same arguments always give the same table.
    """
    uncertainties = tuple(uncertainties)
    sampler = qmc.LatinHypercube(len(uncertainties), rng=design_seed(root, "worlds"))
    values = unit_to_values(uncertainties, sampler.random(worlds))
    values.insert(0, WORLD, np.arange(worlds))
    return values


def salib_problem(uncertainties: Iterable[Uncertainty]) -> dict[str, Any]:
    """SALib's ``problem`` for the uncertainties, on the unit cube.

    Samplers draw in ``[0, 1]^d``; :func:`unit_to_values` maps their points through each
    uncertainty's inverse CDF, so SALib never sees a second definition of a distribution
    (and Morris's elementary effects are per unit of probability, comparable across
    parameters with different units).
    """
    names = [u.key for u in uncertainties]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def world_overrides(values: pd.DataFrame, world: int) -> dict[str, Any]:
    """The dotted-key overrides of one world of a design table, as plain Python numbers."""
    rows = values.index[values[WORLD] == world]
    if len(rows) != 1:
        raise KeyError(f"no world {world} in the design")
    return {k: values.at[rows[0], k].item() for k in values.columns if k != WORLD}


# --- Seeds ------------------------------------------------------------------------------


def _tag(name: str) -> int:
    """A spawn-key word for a named stream (its UTF-8 bytes as an integer)."""
    return int.from_bytes(name.encode(), "big")


def design_seed(root: int, purpose: str) -> int:
    """The seed of a design (``"worlds"``, ``"morris"``, ``"sobol"``, a bootstrap, ...).

    ``SeedSequence(root, spawn_key=(tag(purpose),))``: independent of every run's seed,
    which uses spawn keys of other lengths (:func:`sim.seeding.run_seed`).
    """
    ss = np.random.SeedSequence(root, spawn_key=(_tag(purpose),))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def world_seed(root: int, world: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` in world ``world``, the same in every condition.

    ``SeedSequence(root, spawn_key=(tag("world"), world, replicate))``, a non-negative int
    below 2**63. Because it does not depend on the condition, every condition meets the same
    random draws in a given world and replicate (common random numbers), and differences
    between conditions in one world come from the conditions, not from luck.
    """
    ss = np.random.SeedSequence(root, spawn_key=(_tag("world"), world, replicate))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> 1)


def sample_seed(root: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` at every point of a sensitivity design.

    ``SeedSequence(root, spawn_key=(tag("sample"), replicate))``, a non-negative int below
    2**63, the same at every sample point and in every condition. Morris's elementary
    effects and Sobol's estimators are differences between sample points; with common
    random numbers across the points those differences come from the parameters, not from
    different draws, so a parameter that cannot matter gets an effect of exactly zero and
    the indices need far fewer replicates (Law 2015, ch. 11). Averaging over replicates
    then estimates the effects on the mean outcome.
    """
    ss = np.random.SeedSequence(root, spawn_key=(_tag("sample"), replicate))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> 1)
