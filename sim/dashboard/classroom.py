"""The model the dashboard runs: two conditions of one scenario, side by side.

:class:`Classroom` is a Mesa model so that Mesa's SolaraViz can play, pause, step and
reset it; each step advances both conditions one week. Both conditions use the same seed,
so they start from the same people and differ only by their settings, as the conditions
of ``sim demo`` do.

The board's decisions (go-live, postponement, halt) are read off each condition's model
after every week, from the schedule and the board's state it already keeps
(``schedule.live_week``, ``schedule.postponed``, ``schedule.planned``, ``board.paused_until``,
``board.despite_warnings``); the model itself is not changed for the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from sim.dashboard.controls import CONDITIONS, condition_scenario, parse_seed, unknown_values
from sim.errors import InputError
from sim.model import RolloutModel
from sim.scenario import Scenario
from sim.seeding import fresh_seed
from sim.simulation import release

COLOURS = {"A": "#0072B2", "B": "#E69F00"}
"""One colour per condition on the page (Okabe-Ito, readable with colour-blindness)."""


@dataclass(frozen=True)
class Decision:
    """One decision of the board, in the week it was taken."""

    week: int
    kind: str  # "go-live", "postpone", "halt" or "resume"
    wave: int | None  # 0-based; None for halt and resume
    text: str


@dataclass(frozen=True)
class _Board:
    """What the board has decided so far, as kept by the model."""

    live_week: np.ndarray
    postponed: np.ndarray
    paused_until: float
    despite_warnings: int
    paused: bool

    @classmethod
    def of(cls, model: RolloutModel) -> _Board:
        board = model.board
        return cls(
            model.schedule.live_week.copy(),
            model.schedule.postponed.copy(),
            float(board.paused_until),
            int(board.despite_warnings),
            bool(board.paused),
        )


def decisions(before: _Board, after: _Board, model: RolloutModel, week: int) -> list[Decision]:
    """The decisions taken in ``week``: what changed between two snapshots of the board."""
    out: list[Decision] = []
    n_waves = after.live_week.size
    if after.paused_until > before.paused_until:
        until = (
            "for good" if np.isinf(after.paused_until) else f"until week {after.paused_until:.0f}"
        )
        level = model.scenario.governance.halt_frustration
        out.append(
            Decision(
                week,
                "halt",
                None,
                f"the board halts further go-lives {until}: reported frustration of live "
                f"users reached {level:.2f}",
            )
        )
    elif before.paused and not after.paused:
        out.append(Decision(week, "resume", None, "the halt ends; go-lives may resume"))
    for wave in np.flatnonzero((before.live_week < 0) & (after.live_week >= 0)).tolist():
        users = int(model.schedule.sizes[wave])
        what = "all units go live" if n_waves == 1 else f"wave {wave + 1} of {n_waves} goes live"
        text = f"{what} ({users:,} users)"
        if after.despite_warnings > before.despite_warnings:
            text += ", despite warnings (readiness below the board's own bar)"
        out.append(Decision(week, "go-live", wave, text))
    for wave in np.flatnonzero(after.postponed > before.postponed).tolist():
        name = "the go-live" if n_waves == 1 else f"wave {wave + 1}"
        out.append(
            Decision(
                week,
                "postpone",
                wave,
                f"the board postpones {name} to week "
                f"{int(model.schedule.planned[wave])}: not ready",
            )
        )
    return out


class Condition:
    """One condition: its own :class:`RolloutModel` and the board's decisions so far."""

    def __init__(self, name: str, scenario: Scenario, seed: int):
        self.name = name
        self.model = RolloutModel(scenario, seed=seed)
        # The page keeps a model only while it shows it; Mesa would keep it for ever
        # (mesa/mesa#3179). The model creates no agents after it is built.
        release(self.model)
        self.decisions: list[Decision] = []
        self._board = _Board.of(self.model)

    @property
    def scenario(self) -> Scenario:
        return self.model.scenario

    @property
    def week(self) -> int:
        return self.model.week

    @property
    def colour(self) -> str:
        return COLOURS[self.name]

    @property
    def label(self) -> str:
        """``A: phased, low involvement``."""
        sc = self.scenario
        return f"{self.name}: {sc.rollout.strategy}, {sc.involvement.level} involvement"

    @property
    def settings(self) -> str:
        """The condition's other controlled settings, with their units."""
        sc = self.scenario
        waves = sc.effective_waves
        return (
            f"{waves} wave{'s' if waves > 1 else ''}, {sc.training.hours_per_user:g} h of "
            f"training per user; per 100 users {sc.training.capacity:g} trainer hours a week; "
            f"{sc.support.staff:g} help-desk staff; {sc.population.size:,} users"
        )

    def series(self, name: str) -> list[float] | None:
        """The weekly values of indicator ``name`` so far (week 0 first), or None when the
        model does not report it."""
        return self.model.datacollector.model_vars.get(name)

    def step(self) -> None:
        week = self.model.week
        self.model.step()
        board = _Board.of(self.model)
        self.decisions.extend(decisions(self._board, board, self.model, week))
        self._board = board


class Classroom(mesa.Model):
    """Two conditions (A and B) of the scenario ``base``, run side by side with one seed.

    Args:
        base: the scenario the dashboard was started with (defaults when ``None``).
        seed: seed of both conditions, as a number or the text of the seed box; a fresh
            one is drawn (and kept as ``self.seed``) when ``None``, or when the text is not
            a whole number from 0 up (``self.notice`` then says so).
        **kwargs: control values by keyword (:func:`sim.dashboard.controls.param_name`);
            a control without a value keeps its start value. (Mesa's SolaraViz passes
            them so, and accepts a catch-all only under this name.)
    """

    def __init__(self, base: Scenario | None = None, seed: Any = None, **kwargs: Any):
        unknown = unknown_values(kwargs)
        if unknown:
            raise InputError("no such control", key=unknown[0])
        self.notice = ""
        try:
            seed = fresh_seed() if seed is None else parse_seed(seed)
        except InputError as exc:
            # a typing slip in the seed box must not break the page: run, and say so
            seed = fresh_seed()
            self.notice = f"Seed box: {exc.detail}; this run uses seed {seed}."
        super().__init__(seed=seed)
        self.seed = seed
        self.base = base if base is not None else Scenario()
        self.conditions = [
            Condition(name, self._scenario(name, kwargs), seed) for name in CONDITIONS
        ]
        self.horizon = self.base.run.steps

    def _scenario(self, condition: str, values: dict[str, Any]) -> Scenario:
        """The condition's scenario; if its settings are not a valid scenario, its starting
        one, and a notice that says why."""
        try:
            return condition_scenario(self.base, condition, values)
        except InputError as exc:
            self.notice = " ".join(
                [self.notice, f"Condition {condition}: {exc.detail}; it keeps its starting values."]
            ).strip()
            return condition_scenario(self.base, condition, {})

    @property
    def week(self) -> int:
        return self.conditions[0].week

    def step(self) -> None:
        """One week of both conditions; stops at the scenario's horizon."""
        if self.week >= self.horizon:
            self.running = False
            return
        for condition in self.conditions:
            condition.step()
        self.running = self.week < self.horizon
