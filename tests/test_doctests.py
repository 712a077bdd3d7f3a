"""The examples in the public API's docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "sim.errors",
    "sim.seeding",
    "sim.scenario.loading",
    "sim.analysis.stats",
    "sim.analysis.tables",
    "sim.analysis.render",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
