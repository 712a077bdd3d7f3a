"""Experiments: factorial sweeps of scenarios with replicates, run crash-safely in parallel.

``spec`` reads and checks experiment files, ``seeds`` derives every run's seed, ``runner``
runs tasks on an engine (``lifeline`` keeps its workers from outliving the sweep),
``journal`` records finished runs, ``state`` what a sweep was started with, ``results``
writes the final files, ``partial`` reads an unfinished sweep, ``export`` writes CSV for
spreadsheets, and ``sweep`` ties them together.
"""

from sim.experiment.runner import ENGINES, RunOutput, RunTask, default_jobs, execute
from sim.experiment.seeds import run_seed
from sim.experiment.spec import MAX_RUNS, Condition, Experiment, load_experiment
from sim.experiment.sweep import SweepResult, plan, run_sweep, tasks

__all__ = [
    "ENGINES",
    "MAX_RUNS",
    "Condition",
    "Experiment",
    "RunOutput",
    "RunTask",
    "SweepResult",
    "default_jobs",
    "execute",
    "load_experiment",
    "plan",
    "run_seed",
    "run_sweep",
    "tasks",
]
