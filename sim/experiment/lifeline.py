"""Worker processes that end with the sweep, and signals that stop a sweep cleanly.

The local engine's workers are forked by a *forkserver*, so their parent is the server,
not the ``sim`` process. Each worker therefore watches the ``sim`` process itself: it
holds the read end of a pipe (the *lifeline*) whose only write end is in the ``sim``
process, and a thread that waits on it ends the worker the moment that end closes, which
the operating system does however the ``sim`` process ends, ``kill -9`` included. On Linux
the worker also asks to be killed when its parent, the server, dies
(``prctl(PR_SET_PDEATHSIG)``). The server ends by itself once the ``sim`` process and
every worker are gone (it exits when the last holder of its "alive" pipe closes it).

Workers ignore SIGINT and SIGTERM: the ``sim`` process handles both (Ctrl-C, or a batch
system's SIGTERM, interrupts the sweep like Ctrl-C: finished runs are kept) and then stops
the workers with SIGKILL; they write nothing, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection

PRELOAD = ["sim.experiment.runner", "sim.simulation", "sim.model", "pyarrow.parquet"]
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class Interrupted(KeyboardInterrupt):
    """The sweep was stopped by a signal; ``signum`` is which (SIGINT for Ctrl-C)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: BaseException) -> int:
    """The shell's convention: 128 + the signal's number (130 Ctrl-C, 143 SIGTERM)."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


@contextlib.contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP interrupt it as Ctrl-C does (raising
    :class:`Interrupted`). Only in the main thread, where Python delivers signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    old = {sig: signal.signal(sig, handler) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def worker_context() -> multiprocessing.context.BaseContext:
    """Fork workers from a server that has imported the model once: cheap to start and,
    unlike plain fork, safe with threads. (Mesa sets the global start method to spawn on
    import, so the context is chosen here explicitly.)"""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_server() -> None:
    """Start the fork server now, so that it imports the model while this process does
    its own work (reading the experiment, checking the folder). Safe to call twice."""
    context = worker_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


class Lifeline:
    """A pipe whose write end only this process holds; workers get the read end."""

    def __init__(self) -> None:
        self.reader, self._writer = multiprocessing.Pipe(duplex=False)

    def close(self) -> None:
        self._writer.close()
        self.reader.close()


def worker_init(lifeline: Connection) -> None:
    """Initializer of every worker process: leave signals to the ``sim`` process and end
    when it ends (see the module docstring)."""
    for sig in (signal.SIGINT, *STOP_SIGNALS):
        signal.signal(sig, signal.SIG_IGN)
    _die_with_parent()
    threading.Thread(target=_watch, args=(lifeline,), name="lifeline", daemon=True).start()


def _watch(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        while True:
            lifeline.recv_bytes()
    os._exit(1)  # the sim process is gone: so is the point of this run


def _die_with_parent() -> None:
    """Linux: be killed when the parent process dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
