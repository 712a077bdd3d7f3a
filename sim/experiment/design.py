"""The worlds an experiment runs in: a Latin hypercube of plausible worlds, or the sample
points of a sensitivity design.

A factorial sweep runs every condition in one world, the scenario as written. An
experiment with an ``[uncertainties]`` table and ``[experiment] worlds = N`` runs every
condition in each of N sampled *worlds* (:func:`latin_hypercube_worlds`); ``sim
sensitivity`` runs it at the sample points of a Morris or Sobol design instead, each point
playing the part of a world. :class:`Worlds` holds either: the values of the uncertain keys
in each world, how the design was drawn, and which seed each run gets.

Seeds (:mod:`sim.experiment.uncertainty`): in a sweep over worlds replicate ``r`` of world
``w`` gets ``world_seed(root, w, r)`` in every condition, so conditions meet the same random
numbers world by world; in a sensitivity design replicate ``r`` gets ``sample_seed(root,
r)`` at every sample point and in every condition, so differences between points come from
the parameters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # this module is read by every sweep: SciPy and pandas only when used
    import pandas as pd

    from sim.experiment.uncertainty import Uncertainty

WORLD = "world"
"""The column of a world's number (as :data:`sim.experiment.uncertainty.WORLD`)."""
LATIN_HYPERCUBE = "latin_hypercube"
SEEDINGS = ("world", "sample")
"""``world``: the seed depends on the world and the replicate; ``sample``: on the replicate."""


@dataclass(frozen=True)
class Worlds:
    """The worlds of an experiment.

    ``values`` has the column ``world`` (0 to ``count - 1``, in order) and one column per
    uncertain dotted key. ``method`` is ``latin_hypercube`` for a sweep over worlds, or a
    sensitivity method (``morris``, ``sobol``); ``samples`` is the number of worlds, of
    Morris trajectories or the Sobol base sample.
    """

    method: str
    samples: int
    values: pd.DataFrame
    seeding: str = "world"

    def __post_init__(self) -> None:
        if self.seeding not in SEEDINGS:
            raise ValueError(f"seeding must be one of {SEEDINGS}, not {self.seeding!r}")
        if list(self.values[WORLD]) != list(range(len(self.values))):
            raise ValueError("worlds must be numbered 0, 1, ... in order")

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def keys(self) -> list[str]:
        """The uncertain dotted keys, in the order of the ``[uncertainties]`` table."""
        return [c for c in self.values.columns if c != WORLD]

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        """Each world's values as plain Python numbers (``int`` on integer keys)."""
        columns = [self.values[k].tolist() for k in self.keys]  # tolist: Python numbers
        return [dict(zip(self.keys, row, strict=True)) for row in zip(*columns, strict=True)]

    def overrides(self, world: int) -> dict[str, Any]:
        """The dotted-key values of ``world``, as overrides of its scenarios."""
        return self.rows[world]

    def seed(self, root: int, world: int, replicate: int) -> int:
        """The seed of replicate ``replicate`` in ``world`` (the same in every condition)."""
        from sim.experiment.uncertainty import sample_seed, world_seed

        if self.seeding == "world":
            return world_seed(root, world, replicate)
        return sample_seed(root, replicate)

    def describe(self) -> str:
        """``a Latin hypercube of 100 worlds``, ``a Morris design of 10 trajectories``..."""
        return describe(self.as_json())

    def as_json(self) -> dict[str, Any]:
        """How the worlds were drawn (the manifest's ``design``)."""
        return {
            "method": self.method,
            "samples": self.samples,
            "worlds": self.count,
            "seeding": self.seeding,
        }

    def table_json(self) -> list[dict[str, Any]]:
        """Every world's values, ``[{"world": 0, KEY: VALUE, ...}, ...]`` (the manifest's
        ``worlds``)."""
        return [{WORLD: w, **row} for w, row in enumerate(self.rows)]


def latin_hypercube_worlds(uncertainties: Iterable[Uncertainty], count: int, root: int) -> Worlds:
    """``count`` worlds sampled by Latin hypercube from ``uncertainties``, reproducible from
    the experiment's root seed (:func:`sim.experiment.uncertainty.latin_hypercube`)."""
    from sim.experiment.uncertainty import latin_hypercube

    values = latin_hypercube(tuple(uncertainties), count, root)
    return Worlds(LATIN_HYPERCUBE, count, values, "world")


def describe(design: dict[str, Any] | None) -> str:
    """A design as :meth:`Worlds.as_json` records it, in words."""
    if not design:
        return "no worlds"
    method, samples, count = design.get("method"), design.get("samples"), design.get("worlds")
    if method == LATIN_HYPERCUBE:
        return f"a Latin hypercube of {samples} worlds"
    if method == "morris":
        return f"a Morris design of {samples} trajectories ({count} points)"
    return f"a {str(method).capitalize()} design with N = {samples} ({count} points)"
