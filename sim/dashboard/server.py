"""Serving the dashboard: Solara's web server for :mod:`sim.dashboard.app`, on loopback.

The server binds to 127.0.0.1 unless told otherwise and warns when told to listen beyond
the loopback address. It runs in production mode (no hot reload), sends no usage
statistics, checks for no updates and writes nothing: Solara's own browser assets come
from the ``solara-assets`` package, so the page needs no network. The page runs
simulations and nothing else: no code console, no file access beyond the scenario read at
start, no upload.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import socket
import warnings
from collections.abc import Callable

import click

from sim.defaults import DASHBOARD_HOST, DASHBOARD_PORT
from sim.errors import InputError
from sim.scenario import Scenario

_SOLARA_ENVIRONMENT = {
    "SOLARA_APP": "sim.dashboard.app",
    "SOLARA_MODE": "production",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    # a fixed id, so that Solara does not write one into the user's home folder
    "SOLARA_TELEMETRY_SERVER_USER_ID": "rollout-sim",
    "SOLARA_CHECK_HOOKS": "off",
}


def missing_packages() -> list[str]:
    """Packages of the ``dashboard`` extra that are not installed."""
    return [name for name in ("solara", "uvicorn", "mesa.visualization") if not _found(name)]


def _found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve {host!r}: {exc.strerror}", key="--host") from None
    return all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: a free one)."""
    try:
        info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(info[0], socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(info[4])
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}", key="--port") from None
    sock.listen(128)
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    base: Scenario,
    *,
    host: str = DASHBOARD_HOST,
    port: int = DASHBOARD_PORT,
    seed: int | None = None,
    echo: Callable[..., None] = click.echo,
) -> None:
    """Serve the dashboard for ``base`` until interrupted; print its address first."""
    public = not is_loopback(host)
    sock = bind(host, port)
    os.environ.update(_SOLARA_ENVIRONMENT)
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(sock.getsockname()[1])

    import uvicorn

    # Solara warns on every page load that is not over https or from "localhost"; over
    # loopback there is nothing to warn about.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    from sim.dashboard import app

    seed = app.configure(base, seed)
    if public:
        echo(
            f"warning: listening on {host}, beyond this computer: anyone who can reach it "
            "can open the dashboard and run simulations. Leave out --host to keep it local.",
            err=True,
        )
    echo(f"Rollout dashboard for {base.meta.name} (seed {seed}) at {address(sock)}")
    echo("Open that address in a browser on this computer; press Ctrl+C to stop.")
    config = uvicorn.Config(
        "solara.server.starlette:app", log_level="warning", lifespan="on", access_log=False
    )
    uvicorn.Server(config).run(sockets=[sock])
