"""`sim dashboard`: watch two conditions of a rollout side by side in a browser."""

from __future__ import annotations

import click

from sim.cli.options import seed_option, set_option
from sim.defaults import DASHBOARD_HOST, DASHBOARD_PORT, DASHBOARD_SCENARIO


@click.command("dashboard")
@click.argument("scenario", type=click.Path(dir_okay=False), required=False)
@click.option(
    "--host",
    default=DASHBOARD_HOST,
    show_default=True,
    help="Address to listen on. Anything but a loopback address lets other computers in "
    "(with a warning).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DASHBOARD_PORT,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@seed_option
@set_option
def dashboard_command(
    scenario: str | None, host: str, port: int, seed: int | None, overrides: dict
) -> None:
    """Watch two conditions side by side in a browser.

    Serves the classroom dashboard (Mesa's SolaraViz) for SCENARIO (default: the shipped
    scenarios/default.toml), whose values are the controls' starting values: pick two
    conditions, press play and watch adoption, frustration, the units and the board's
    decisions week by week. Needs the `dashboard` extra (installed by `make demo`).
    """
    from sim.dashboard.server import missing_packages, serve
    from sim.scenario import load_scenario
    from sim.shipped import scenarios_dir

    base = load_scenario(scenario or scenarios_dir() / DASHBOARD_SCENARIO, overrides)
    missing = missing_packages()
    if missing:
        raise click.ClickException(
            f"the dashboard needs the 'dashboard' extra ({missing[0]} is missing): "
            "run make demo, or pip install -e '.[dashboard]'"
        )
    serve(base, host=host, port=port, seed=seed)
