"""`sim export`: a sweep's time series as CSV, for spreadsheets."""

from __future__ import annotations

import click


@click.command("export")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False))
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="CSV file to write (default: DIR/export/timeseries.csv).",
)
def export_command(folder: str, out: str | None) -> None:
    """Write the weekly time series of the sweep in DIR as one CSV file.

    One row per run and week: point, condition, one column per factor, replicate, step
    and every weekly indicator. The run-level table is already CSV: DIR/runs.csv.
    """
    from sim.experiment.export import export_csv

    click.echo(str(export_csv(folder, out)))
