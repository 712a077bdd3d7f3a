"""Packaging: the ``sim`` package, with the shipped scenario and experiment files inside it.

The files stay at the top of the repository (``scenarios/``, ``experiments/``), where
people find and edit them; a built wheel carries them as ``sim/data/scenarios`` and
``sim/data/experiments``, so a non-editable ``pip install`` has them too
(:mod:`sim.shipped` finds them either way). Everything else is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup

SHIPPED = {
    "sim.data.scenarios": "scenarios",
    "sim.data.scenarios.reference": "scenarios/reference",
    "sim.data.experiments": "experiments",
}

setup(
    packages=[*find_packages(include=["sim", "sim.*"]), *SHIPPED],
    package_dir=SHIPPED,
    package_data={name: ["*.toml", "*.md"] for name in SHIPPED},
)
