"""Running the runs of a sweep: one loop, several engines behind one executor seam.

Every engine is a ``concurrent.futures.Executor`` (``submit`` returning a standard
``Future``): the calling process itself (one job), a ``ProcessPoolExecutor`` (``local``) or
Dask distributed through ``Client.get_executor()`` (``dask``, a local cluster or an
existing scheduler). The loop keeps a bounded number of runs in flight and hands each
finished run to one callback, so all engines share every line of result handling.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TYPE_CHECKING, Any

from sim.defaults import ENGINES
from sim.errors import InputError
from sim.experiment.journal import RunKey, encode_part
from sim.experiment.lifeline import Lifeline, worker_context, worker_init
from sim.outcomes import OUTCOMES

if TYPE_CHECKING:
    from sim.scenario import Scenario
    from sim.simulation import RunResult

IN_FLIGHT_PER_WORKER = 4
RUNS_PER_WORKER_PROCESS = 25
"""Worker processes are replaced after this many runs (cheaply: they fork from a preloaded
server). :func:`sim.simulation.simulate` already releases each model from Mesa 3.3's per-model id
counters (``Agent._ids``, mesa/mesa#3179); recycling guards against any other leak in a
run function."""
MAX_ERROR_CHARS = 500

RunFn = Callable[["Scenario", int, int], "RunResult"]
"""What one run executes: ``run_fn(scenario, seed, steps)``, like :func:`sim.simulation.simulate`
(the default, imported only where runs happen, so the ``sim`` process stays lean). It must
be picklable (a module-level function) for the process and Dask engines."""


@dataclass(frozen=True)
class Engine:
    """An open executor, the workers behind it and how many runs to keep in flight."""

    name: str
    executor: Executor
    workers: int
    in_flight: int


@dataclass(frozen=True)
class RunTask:
    """One run to do: ``key`` is its identity ``(condition, world, replicate)``, ``point``
    its condition's position (for people), ``inputs`` the hash of what it is made from."""

    point: int
    key: RunKey
    seed: int
    steps: int
    scenario: Scenario
    scenario_sha256: str = ""
    inputs: str = ""

    @property
    def replicate(self) -> int:
        return self.key[2]

    def describe(self, worlds: bool = False) -> str:
        """``condition 2, replicate 0``, or with ``worlds`` ``condition 2, world 7,
        replicate 0``: the run as messages name it."""
        world = f", world {self.key[1]}" if worlds else ""
        return f"condition {self.point}{world}, replicate {self.replicate}"


@dataclass
class RunOutput:
    """What comes back from a worker: the outcomes and the time series as Parquet bytes,
    or the error."""

    task: RunTask
    status: str  # "ok" or "failed"
    error: str = ""
    outcomes: dict[str, Any] = field(default_factory=dict)
    part: bytes | None = None
    seconds: float = 0.0
    peak_rss_mib: float | None = None

    @property
    def key(self) -> RunKey:
        return self.task.key

    def record(self, part: dict[str, Any] | None = None) -> dict[str, Any]:
        """The journal line (``part``: the size and hash of the stored time series)."""
        condition, world, replicate = self.task.key
        record = {
            "condition": condition,
            "world": world,
            "replicate": replicate,
            "point": self.task.point,
            "seed": self.task.seed,
            "steps": self.task.steps,
            "scenario": self.task.scenario_sha256,
            "inputs": self.task.inputs,
            "status": self.status,
            "error": self.error,
            "outcomes": self.outcomes,
        }
        if part is not None:
            record["part"] = part
        record["seconds"] = round(self.seconds, 4)
        record["peak_rss_mib"] = self.peak_rss_mib
        return record


def execute(run_fn: RunFn | None, task: RunTask) -> RunOutput:
    """Do one run in a worker. A run that raises is returned as ``failed``, not raised.

    The time series is encoded as Parquet here, in the worker, so the ``sim`` process only
    writes bytes. Also notes the run's duration and the worker's peak memory so far
    (diagnostics kept in the journal, never part of the results)."""
    if run_fn is None:
        from sim.simulation import simulate as run_fn
    start = time.perf_counter()
    out = RunOutput(replace(task, scenario=None), "ok")  # the scenario need not travel back
    try:
        result = run_fn(task.scenario, task.seed, task.steps)
        out.outcomes = {name: _plain(result.summary.get(name)) for name in OUTCOMES}
        out.part = encode_part(result.timeseries)
    except Exception as exc:  # a failing run is data, not a crash of the sweep
        out.status, out.error, out.outcomes, out.part = "failed", one_line(exc), {}, None
    out.seconds = time.perf_counter() - start
    out.peak_rss_mib = _peak_rss_mib()
    return out


def _peak_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # not on Unix
        return None
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, else KiB
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1)


def one_line(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 3] + "..."


def _plain(value: Any) -> Any:
    """JSON-ready scalar: numpy scalars become Python numbers."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        return value.item()
    return value


def run_tasks(
    tasks: Iterable[RunTask],
    executor: Executor,
    in_flight: int,
    on_done: Callable[[RunOutput], None],
    run_fn: RunFn | None = None,
) -> None:
    """Submit ``tasks`` keeping at most ``in_flight`` running; call ``on_done`` as each ends.

    Memory stays flat however many tasks there are: tasks are drawn lazily and each result
    is handed on and dropped.
    """
    pending = iter(tasks)
    running: set[Future] = set()
    try:
        while True:
            for task in islice(pending, in_flight - len(running)):
                running.add(executor.submit(execute, run_fn, task))
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                on_done(_output(future))
    finally:
        for future in running:
            future.cancel()


def _output(future: Future) -> RunOutput:
    try:
        return future.result()
    except Exception as exc:  # execute() never raises, so the engine itself failed
        raise EngineError(f"the engine failed: {one_line(exc)}") from exc


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def open_engine(
    engine: str = "local", jobs: int | None = None, scheduler: str | None = None
) -> Iterator[Engine]:
    """Start ``engine`` with ``jobs`` workers (default: all cores) and stop it afterwards.

    ``local`` with one job runs in this process; with more, in worker processes. ``dask``
    attaches to ``scheduler`` if given (its workers' threads count as jobs), else starts a
    local cluster of ``jobs`` single-threaded worker processes.
    """
    check_engine(engine, scheduler)
    jobs = jobs or default_jobs()
    if engine == "dask":
        with _dask_executor(jobs, scheduler) as opened:
            yield opened
    elif jobs == 1:
        yield Engine("local", InlineExecutor(), 1, 1)
    else:
        with _process_executor(jobs) as opened:
            yield opened


class EngineError(RuntimeError):
    """The engine failed (a worker died, the cluster went away); finished runs are saved."""


class InlineExecutor(Executor):
    """Runs each task in the calling process at submission (one job, easy to debug)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@contextmanager
def _process_executor(jobs: int) -> Iterator[Engine]:
    lifeline = Lifeline()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=worker_context(),
        initializer=worker_init,
        initargs=(lifeline.reader,),
        max_tasks_per_child=RUNS_PER_WORKER_PROCESS,
    )
    try:
        yield Engine("local", pool, jobs, IN_FLIGHT_PER_WORKER * jobs)
    except BaseException:
        # Interrupted or failed: don't let queued runs finish, stop the workers now
        # (they ignore SIGTERM and write nothing, so SIGKILL loses nothing).
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        lifeline.close()


def check_engine(engine: str, scheduler: str | None) -> None:
    """Refuse an unknown engine, a scheduler without Dask, a missing Dask or a malformed
    scheduler address, in one line, before anything is written or started."""
    if engine not in ENGINES:
        raise InputError(
            f"unknown engine '{engine}' (choose from {', '.join(ENGINES)})", key="--engine"
        )
    if scheduler and engine != "dask":
        raise InputError("a scheduler address needs --engine dask", key="--scheduler")
    if engine == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise InputError(
                "the dask engine needs Dask distributed: pip install 'rollout-sim[dask]'",
                key="--engine",
            ) from None
        if scheduler:
            _check_scheduler_address(scheduler)


def _check_scheduler_address(scheduler: str) -> None:
    """Refuse a malformed scheduler address before any client exists: a client that fails
    half-way through its start can be collected later and block the process in its close
    (seen as a hang), so a bad address must never reach ``Client``."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(scheduler)
        get_backend(scheme)
        if scheme in ("tcp", "tls"):
            parse_host_port(location, default_port=8786)
    except (ValueError, TypeError) as exc:
        raise InputError(
            f"cannot connect to {scheduler}: {one_line(exc)}", key="--scheduler"
        ) from None


@contextmanager
def _dask_executor(jobs: int, scheduler: str | None) -> Iterator[Engine]:
    from distributed import Client, LocalCluster  # check_engine has made sure it is there

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise InputError(
                f"cannot connect to {scheduler}: {one_line(exc)}", key="--scheduler"
            ) from None
        workers = sum(client.nthreads().values()) or jobs
    else:
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
        workers = jobs
    try:
        yield Engine(
            "dask", client.get_executor(pure=False), workers, IN_FLIGHT_PER_WORKER * workers
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
