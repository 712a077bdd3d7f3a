"""Options shared by several subcommands, defined once.

Defaults and choices come from the library (:mod:`sim.defaults`); like every module of the
command line, this one loads the library only when a command runs.
"""

from __future__ import annotations

import errno
import os

import click

from sim.defaults import CONFIDENCE_LEVEL, ENGINES, MAX_RUNS, MAX_STEPS
from sim.errors import InputError


def _parse_sets(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    from sim.scenario.loading import parse_assignment

    return dict(parse_assignment(v) for v in values)


class SeedType(click.ParamType):
    """A seed: a whole number from 0 to 2**63 - 1 (:func:`sim.seeding.check_seed`)."""

    name = "integer"

    def convert(self, value, param, ctx) -> int:
        from sim.seeding import check_seed

        return check_seed(value, key=param.opts[0] if param else "--seed")


SEED = SeedType()


def seed_option_with(help: str, name: str = "seed", **kwargs):
    """``--seed``: a checked seed (``name`` is the parameter's name in the command)."""
    return click.option("--seed", name, type=SEED, help=help, **kwargs)


seed_option = seed_option_with("Random seed (default: fresh entropy, recorded).")


def _count_option(flag: str, help: str, most: int | None = None):
    """An optional whole number of at least 1 (``None`` when not given)."""
    return click.option(flag, type=click.IntRange(min=1, max=most), default=None, help=help)


steps_option = _count_option(
    "--steps", "Weeks to simulate (default: the scenario's run.steps).", MAX_STEPS
)
jobs_option = _count_option("--jobs", "Worker processes (default: all cores).")
set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    callback=_parse_sets,
    metavar="KEY=VALUE",
    help="Override a scenario value by dotted key, e.g. --set population.size=5000. Repeatable.",
)


class PathType(click.Path):
    """A path the system can look up: one with a NUL byte, a name too long or a symlink
    loop is refused here, in one line, before a command opens or creates anything."""

    def convert(self, value, param, ctx):
        try:
            os.stat(value)
        except ValueError:
            raise InputError("not a usable path (it contains a NUL byte)", key=value) from None
        except OSError as exc:
            if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
                raise InputError(f"not a usable path: {exc.strerror}", key=value) from None
        return super().convert(value, param, ctx)


def out_option(help: str = "Folder to write results to.", **kwargs):
    """``--out DIR``: the folder a command writes into (``help`` and ``required`` differ)."""
    return click.option("--out", type=PathType(file_okay=False), help=help, **kwargs)


quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")


def format_option(formats: tuple[str, ...], help: str):
    """``--format``: one of ``formats`` (from :mod:`sim.defaults`), the first by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(formats),
        default=formats[0],
        show_default=True,
        help=help,
    )


def split_names(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]):
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    return names or None


outcomes_option = click.option(
    "--outcomes",
    multiple=True,
    callback=split_names,
    metavar="A,B,...",
    help="Run-level outcomes, comma-separated or repeated (default: the main outcomes).",
)
level_option = click.option(
    "--level",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=CONFIDENCE_LEVEL,
    show_default=True,
    help="Confidence level of the intervals.",
)


# --- the options of commands that run many runs (sim sweep, sim sensitivity) -----------

engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=ENGINES[0],
    show_default=True,
    help="local: worker processes on this machine; dask: Dask distributed.",
)
scheduler_option = click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler to attach to, e.g. tcp://host:8786 (default: start a local cluster).",
)
resume_option = click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted sweep in --out, or extend it with new replicates or levels.",
)
force_option = click.option(
    "--force", is_flag=True, help="Delete the sweep's own files in --out and start afresh."
)
max_runs_option = click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    default=MAX_RUNS,
    show_default=True,
    help="Refuse experiments with more runs than this.",
)


def runs_options(command):
    """``--engine``, ``--scheduler``, ``--resume``, ``--force``, ``--max-runs``, ``-q`` and
    ``--jobs``: the options of a command that runs an experiment's runs."""
    for option in reversed(
        (
            engine_option,
            scheduler_option,
            resume_option,
            force_option,
            max_runs_option,
            quiet_option,
            jobs_option,
        )
    ):
        command = option(command)
    return command
