"""`sim discover`: where, among the sampled worlds, does a case of interest happen?"""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.options import PathType, seed_option_with
from sim.defaults import DISCOVERY_MAX_DEPTH, DISCOVERY_MIN_LEAF
from sim.errors import InputError


@click.command("discover")
@click.argument("folder", metavar="DIR", type=PathType(file_okay=False))
@click.option(
    "--where",
    "where",
    required=True,
    metavar="EXPRESSION",
    help='The case of interest, e.g. "net_benefit[big_bang | low] > net_benefit[phased | low]".',
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "latex"]),
    default="md",
    show_default=True,
    help="Markdown for reading, long-form CSV for machines, LaTeX for papers.",
)
@click.option(
    "--max-depth",
    type=click.IntRange(min=1, max=10),
    default=DISCOVERY_MAX_DEPTH,
    show_default=True,
    help="Depth of the tree: the most parameters a box restricts.",
)
@click.option(
    "--min-leaf",
    type=click.FloatRange(0, 0.5, min_open=True, max_open=True),
    default=DISCOVERY_MIN_LEAF,
    show_default=True,
    help="Smallest box, as a share of the worlds.",
)
@seed_option_with("Seed of the tree (default: the experiment's seed).")
@click.option(
    "--figure",
    type=PathType(dir_okay=False),
    default=None,
    help="Also draw a box to this file (.png, .svg or .pdf).",
)
@click.option(
    "--box", type=click.IntRange(min=1), default=1, show_default=True, help="Box to draw."
)
def discover_command(
    folder: str,
    where: str,
    fmt: str,
    max_depth: int,
    min_leaf: float,
    seed: int | None,
    figure: str | None,
    box: int,
) -> None:
    """Find the boxes of uncertain parameters in which EXPRESSION holds, in the sweep over
    sampled worlds in DIR (runs.csv with a `world` column, and manifest.json).

    EXPRESSION compares outcomes of conditions in each world, OUTCOME[CONDITION] being the
    mean over the replicates, e.g. "total_cost[big_bang | high] < total_cost[phased | high]";
    it may use numbers, + - * /, comparisons, and, or, not and parentheses. Each box has a
    coverage (share of the cases of interest inside it) and a density (share of the
    worlds inside it that are cases of interest). See docs/experiments.md.
    """
    from sim.analysis.discovery import discover_folder, discovery_figure, format_discovery
    from sim.analysis.plots import save_figure
    from sim.io import ensure_writable_dir

    fig_format = None
    if figure is not None:
        fig_format = Path(figure).suffix.lstrip(".").lower()
        if fig_format not in ("png", "svg", "pdf"):
            raise InputError("must end in .png, .svg or .pdf", key="--figure")
    result, inputs, cases = discover_folder(
        folder, where, max_depth=max_depth, min_leaf=min_leaf, seed=seed
    )
    if figure is not None:
        import matplotlib

        matplotlib.use("Agg")
        ensure_writable_dir(Path(figure).parent, key="--figure")
        fig = discovery_figure(result, inputs, cases, box=box)
        save_figure(fig, figure, fig_format)
    click.echo(format_discovery(result, fmt), nl=False)
