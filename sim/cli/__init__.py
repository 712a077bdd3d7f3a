"""The ``sim`` command line: one click group, one thin module per subcommand.

Each subcommand's module is imported only when that command (or the group's help) needs
it, and the modules import the library inside their command functions, so ``sim --help``,
``sim --version`` and ``sim scenario validate`` start without loading NumPy, pandas, Mesa
or matplotlib. The subcommands are listed by name in :data:`COMMANDS`.
"""

from __future__ import annotations

import importlib

import click

from sim.errors import MAX_LINE, InputError, shown

COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("sim.cli.run", "run_command"),
    "scenario": ("sim.cli.scenario", "scenario_group"),
    "sweep": ("sim.cli.sweep", "sweep_command"),
    "compare": ("sim.cli.compare", "compare_command"),
    "plot": ("sim.cli.plot", "plot_command"),
    "export": ("sim.cli.export", "export_command"),
    "validate": ("sim.cli.validate", "validate_command"),
    "demo": ("sim.cli.demo", "demo_command"),
    "dashboard": ("sim.cli.dashboard", "dashboard_command"),
    "sensitivity": ("sim.cli.sensitivity", "sensitivity_command"),
    "discover": ("sim.cli.discover", "discover_command"),
}
"""Every subcommand: name -> (module, attribute), in the order ``sim --help`` lists them."""


class InputErrorExit(click.ClickException):
    """Bad input, shown as one line ``error: ...`` with exit status 2 (at most
    :data:`sim.errors.MAX_LINE` characters after ``error: ``, whatever it echoes)."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(shown(message, MAX_LINE))

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class LazyGroup(click.Group):
    """The ``sim`` group: loads a subcommand's module when it is asked for, and turns bad
    input (:class:`InputError`, or a usage error of a subcommand) into a one-line message
    and exit status 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise InputErrorExit(str(exc)) from None
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else ctx.command_path
            raise InputErrorExit(f"{command}: {exc.format_message()}") from None


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from sim import __version__

    click.echo(f"sim, version {__version__}")
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """Simulate the rollout of a large public-sector IT system.

    Users, consultants and decision makers under big-bang or phased rollouts with low,
    token or high user involvement. Start with `sim run scenarios/default.toml`.
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="sim")
