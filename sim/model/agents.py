"""The model's Mesa agents.

Users and consultants are thin views onto the model's arrays: their behaviour runs in
vectorised weekly processes (users: :mod:`sim.model.users`; consultants:
:mod:`sim.model.consultants`), and an agent object lets a user of the library inspect one
individual. The programme board (:class:`~sim.model.board.DecisionMaker`, in
:mod:`sim.model.board`) is a real behavioural agent: it reads delayed, filtered reports and
decides on go-lives. This module defines the user agent and names all three.
"""

from __future__ import annotations

import mesa

from sim.model.board import DecisionMaker
from sim.model.consultants import Consultant
from sim.model.population import UsageState

__all__ = ["Consultant", "DecisionMaker", "UserAgent"]


class UserAgent(mesa.Agent):
    """One user (clinician, teacher, guardian...): a view onto row ``index`` of the arrays."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def role(self) -> str:
        pop = self.model.population
        return pop.role_names[pop.role[self.index]]

    @property
    def unit(self) -> int:
        return int(self.model.population.unit[self.index])

    @property
    def state(self) -> UsageState:
        return UsageState(int(self.model.population.state[self.index]))

    @property
    def frustration(self) -> float:
        return float(self.model.population.frustration[self.index])

    @property
    def proficiency(self) -> float:
        return float(self.model.population.proficiency[self.index])

    @property
    def involved(self) -> bool:
        return bool(self.model.population.involved[self.index])
