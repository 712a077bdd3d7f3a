"""`sim dashboard` on the command line: bad input, where it listens, what it prints."""

from __future__ import annotations

import os
import socket

import pytest
from click.testing import CliRunner
from helpers import SCENARIOS

from sim.cli import cli
from sim.dashboard import server
from sim.scenario import load_scenario


def invoke(*args: str):
    return CliRunner().invoke(cli, ["dashboard", *args])


def test_sim_lists_the_dashboard():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0 and "dashboard" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such.toml"], "error: no-such.toml: no such file"),
        (["--set", "rollout.wavs=3"], "rollout.wavs: unknown key (did you mean 'rollout.waves'?)"),
        (["--port", "70000"], "70000 is not in the range"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke(str(SCENARIOS / "default.toml"), "--port", str(port))
    assert result.exit_code == 2
    assert f"--port: cannot listen on 127.0.0.1:{port}" in result.output


def test_without_the_extra_it_says_how_to_install_it(monkeypatch):
    import sim.dashboard.server as command

    monkeypatch.setattr(command, "missing_packages", lambda: ["solara"])
    result = invoke()
    assert result.exit_code == 1
    assert "the 'dashboard' extra (solara is missing)" in result.output


def test_only_loopback_addresses_count_as_local():
    assert server.is_loopback("127.0.0.1")
    assert server.is_loopback("localhost")
    assert not server.is_loopback("0.0.0.0")


def _serve(monkeypatch, host: str) -> list[tuple[str, bool]]:
    """Run serve() up to the point where it would start serving; return what it printed."""
    import uvicorn

    printed: list[tuple[str, bool]] = []
    sockets: list[socket.socket] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: None)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # serve() sets Solara's variables
    # listen on loopback whatever the host, so that the test opens nothing to the network
    real_bind = server.bind
    monkeypatch.setattr(
        server, "bind", lambda host, port: sockets.append(real_bind("127.0.0.1", 0)) or sockets[-1]
    )
    base = load_scenario(SCENARIOS / "default.toml")
    server.serve(
        base, host=host, port=0, seed=5, echo=lambda m, err=False: printed.append((m, err))
    )
    for sock in sockets:
        sock.close()
    return printed


def test_it_prints_its_address_and_warns_beyond_loopback(monkeypatch):
    local = _serve(monkeypatch, "127.0.0.1")
    assert not any(err for _, err in local)
    assert "(seed 5) at http://127.0.0.1:" in local[0][0]
    public = _serve(monkeypatch, "0.0.0.0")
    warnings = [m for m, err in public if err]
    assert len(warnings) == 1 and "beyond this computer" in warnings[0]
