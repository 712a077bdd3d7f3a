"""The ``sim`` command line: one click group, one thin module per subcommand."""

from __future__ import annotations

import click

from sim import __version__
from sim.cli.compare import compare_command
from sim.cli.demo import demo_command
from sim.cli.export import export_command
from sim.cli.plot import plot_command
from sim.cli.run import run_command
from sim.cli.scenario import scenario_group
from sim.cli.sweep import sweep_command
from sim.cli.validate import validate_command
from sim.errors import InputError


class _Group(click.Group):
    """A click group that turns bad input (:class:`InputError`, or a usage error of a
    subcommand) into a one-line message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise InputErrorExit(str(exc)) from None
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else ctx.command_path
            raise InputErrorExit(f"{command}: {exc.format_message()}") from None


class InputErrorExit(click.ClickException):
    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sim")
def cli() -> None:
    """Simulate the rollout of a large public-sector IT system.

    Users, consultants and decision makers under big-bang or phased rollouts with low,
    token or high user involvement. Start with `sim run scenarios/default.toml`.
    """


cli.add_command(run_command)
cli.add_command(scenario_group)
cli.add_command(sweep_command)
cli.add_command(compare_command)
cli.add_command(plot_command)
cli.add_command(export_command)
cli.add_command(validate_command)
cli.add_command(demo_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sim")
