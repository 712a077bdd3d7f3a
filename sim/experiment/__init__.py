"""Experiments: factorial sweeps of scenarios with replicates, run crash-safely in parallel.

``spec`` reads and checks experiment files, ``runner`` runs tasks on an engine, ``journal``
records finished runs, ``results`` writes the final files and ``sweep`` ties them together;
every run's seed comes from :mod:`sim.seeding`.
"""

from sim.experiment.runner import ENGINES, RunOutput, RunTask, default_jobs, execute
from sim.experiment.spec import Condition, Experiment, load_experiment
from sim.experiment.sweep import SweepResult, run_sweep, tasks
from sim.seeding import run_seed

__all__ = [
    "ENGINES",
    "Condition",
    "Experiment",
    "RunOutput",
    "RunTask",
    "SweepResult",
    "default_jobs",
    "execute",
    "load_experiment",
    "run_seed",
    "run_sweep",
    "tasks",
]
