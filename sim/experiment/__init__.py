"""Experiments: factorial sweeps of scenarios with replicates, run crash-safely in parallel.

``spec`` reads and checks experiment files, ``seeds`` derives every run's seed, ``runner``
runs tasks on an engine (``lifeline`` keeps its workers from outliving the sweep),
``journal`` records finished runs, ``state`` what a sweep was started with, ``results``
writes the final files, ``partial`` reads an unfinished sweep, ``export`` writes CSV for
spreadsheets, and ``sweep`` ties them together.
"""

from importlib import import_module

_EXPORTS = {
    "ENGINES": "runner",
    "RunOutput": "runner",
    "RunTask": "runner",
    "default_jobs": "runner",
    "execute": "runner",
    "run_seed": "seeds",
    "MAX_RUNS": "spec",
    "Condition": "spec",
    "Experiment": "spec",
    "load_experiment": "spec",
    "SweepResult": "sweep",
    "plan": "sweep",
    "run_sweep": "sweep",
    "tasks": "sweep",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import on first use, so that e.g. the command line's options cost little."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim.experiment' has no attribute {name!r}")
    return getattr(import_module(f"sim.experiment.{_EXPORTS[name]}"), name)
