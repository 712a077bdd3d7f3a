"""Experiments: factorial sweeps of scenarios with replicates, run crash-safely in parallel.

``spec`` reads and checks experiment files, ``runner`` runs tasks on an engine
(``lifeline`` keeps its workers from outliving the sweep), ``journal`` records finished
runs, ``state`` what a sweep was started with, ``results`` writes the final files,
``partial`` reads an unfinished sweep, ``export`` writes CSV for spreadsheets, and
``sweep`` ties them together; every run's seed comes from :mod:`sim.seeding`.
"""

from importlib import import_module

_EXPORTS = {
    "ENGINES": "sim.experiment.runner",
    "RunOutput": "sim.experiment.runner",
    "RunTask": "sim.experiment.runner",
    "default_jobs": "sim.experiment.runner",
    "execute": "sim.experiment.runner",
    "run_seed": "sim.seeding",
    "MAX_RUNS": "sim.experiment.spec",
    "Condition": "sim.experiment.spec",
    "Experiment": "sim.experiment.spec",
    "load_experiment": "sim.experiment.spec",
    "SweepResult": "sim.experiment.sweep",
    "plan": "sim.experiment.sweep",
    "run_sweep": "sim.experiment.sweep",
    "tasks": "sim.experiment.sweep",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import on first use, so that e.g. the command line's options cost little."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim.experiment' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
