"""Results folders that sim owns: a marker, a lock, no symbolic links, careful deletion.

Every command that writes results (``sim sweep``, ``sim demo``, ``sim run --out``) marks
its folder with ``sim-results.json``: the tool, the kind of result (``sweep`` or ``run``)
and what was run. A command writes into a folder only if it is new or empty, or marked as
results of the same kind and purpose; ``--force`` replaces results only in a folder marked
by sim, never the current folder, one of its parents, the home folder or a project's root,
and deletes only the files sim writes there, by name. Symbolic links inside a results
folder are refused, never followed. A lock (``flock`` on ``.lock``) keeps two commands from
writing into one folder at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.io import NOFOLLOW, atomic_write_json, file_mode, read_json, shown

MARKER = "sim-results.json"
LOCK = ".lock"
TOOL = "rollout-sim"
FIGURE_STEMS = ("timeseries", "roles", "outcomes", "main")
OUTCOME_FIGURES = ("worlds", "morris", "sobol")
"""Figures drawn per outcome, ``worlds_OUTCOME.png`` and the like."""
FIGURE_FORMATS = ("png", "svg", "pdf")
PROJECT_FILES = (".git", "pyproject.toml")


@dataclass(frozen=True)
class Occupant:
    """What a folder holds: ``new`` (missing or empty), ``foreign`` (files sim did not
    mark), or sim's results of ``kind`` with their ``marker``."""

    kind: str
    marker: dict[str, Any]

    @property
    def ours(self) -> bool:
        return self.kind not in ("new", "foreign")


def inspect(folder: Path, *, legacy: Iterable[str] = ()) -> Occupant:
    """What ``folder`` holds. A folder without a marker that holds every file in
    ``legacy`` counts as results of the kind ``legacy`` (written by an earlier version)."""
    try:
        entries = [e for e in os.listdir(folder) if e != LOCK]
    except FileNotFoundError:
        return Occupant("new", {})
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"cannot write to {shown(folder)}: {reason}", key="--out") from None
    if not entries:
        return Occupant("new", {})
    refuse_links(folder, [MARKER, LOCK])
    marker = read_json(folder / MARKER)
    if (
        isinstance(marker, dict)
        and marker.get("tool") == TOOL
        and isinstance(marker.get("kind"), str)
    ):
        return Occupant(marker["kind"], marker)
    legacy = tuple(legacy)
    if MARKER not in entries and legacy and all((folder / n).is_file() for n in legacy):
        return Occupant("legacy", {})
    return Occupant("foreign", {})


def results_folder(
    path: str | Path, *, what: str = "no results folder", key: str | None = "DIR"
) -> Path:
    """``path`` if it is a folder; else :class:`InputError` in one line (``what``, the
    path, the reason), whatever is wrong with the path (missing, a file, too long, a NUL
    byte, a loop of links)."""
    folder = Path(path)
    try:
        ok = stat.S_ISDIR(os.stat(folder).st_mode)
        reason = "not a folder"
    except (OSError, ValueError) as exc:
        ok, reason = False, getattr(exc, "strerror", None) or str(exc)
    if not ok:
        raise InputError(f"{what} {shown(folder)} ({reason})", key=key)
    return folder


def refuse_links(folder: Path, names: Iterable[str], *, key: str = "--out") -> None:
    """:class:`InputError` if any of ``names`` inside ``folder`` is a symbolic link."""
    for name in names:
        if (folder / name).is_symlink():
            raise InputError(
                f"{shown(folder / name)} is a symbolic link; sim never writes or reads through "
                "links in a results folder",
                key=key,
            )


def not_ours(folder: Path) -> InputError:
    return InputError(
        f"{shown(folder)} is not empty and holds no results written by sim; choose a new folder",
        key="--out",
    )


def mark(folder: Path, kind: str, **about: Any) -> dict[str, Any]:
    """Write the marker that makes ``folder`` sim's results of ``kind``."""
    marker = {"tool": TOOL, "kind": kind, **about, "created": now()}
    atomic_write_json(folder / MARKER, marker)
    return marker


def check_force(folder: Path) -> None:
    """``--force`` may replace results here? Never in the current folder or a parent of it,
    the home folder, the file-system root or a project's root."""
    target = folder.resolve()
    cwd = Path.cwd().resolve()
    home = Path(os.path.expanduser("~")).resolve()
    reason = None
    if target == cwd or target in cwd.parents:
        reason = "the current folder or one of its parents"
    elif target == home:
        reason = "the home folder"
    elif target == Path(target.anchor):
        reason = "the root of the file system"
    elif any((target / name).exists() for name in PROJECT_FILES):
        reason = "a project's root folder"
    if reason:
        raise InputError(
            f"--force never deletes in {shown(folder)}, {reason}; choose a folder of its own",
            key="--force",
        )


def remove_own(folder: Path, names: Iterable[str], subfolders: dict[str, str]) -> None:
    """Delete the files sim writes in ``folder``: ``names`` (and their temporary files),
    files in each subfolder whose names match its pattern, and the figures; then the
    subfolders if they are empty. Nothing else is touched; links are refused first."""
    names = [*names, MARKER]
    subs = {**subfolders, "figures": _figure_pattern()}
    refuse_links(folder, [*names, *subs])
    doomed = [folder / n for n in names if (folder / n).is_file()]
    tmp = re.compile(r"\.(" + "|".join(re.escape(n) for n in names) + r")\.[^/]*\.tmp")
    doomed += [folder / e for e in os.listdir(folder) if tmp.fullmatch(e)]
    for sub, pattern in subs.items():
        path = folder / sub
        if path.is_dir():
            rx = re.compile(pattern)
            doomed += [path / e for e in os.listdir(path) if rx.fullmatch(e)]
    for path in doomed:
        if path.is_symlink():
            raise InputError(
                f"{shown(path)} is a symbolic link; nothing was deleted", key="--force"
            )
    for path in doomed:
        path.unlink(missing_ok=True)
    for sub in subs:
        with contextlib.suppress(OSError):
            (folder / sub).rmdir()  # only if empty


def _figure_pattern() -> str:
    stems = "|".join([*FIGURE_STEMS, *(rf"{p}_[a-z0-9_]+" for p in OUTCOME_FIGURES)])
    return rf"({stems})\.({'|'.join(FIGURE_FORMATS)})"


@contextlib.contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created if missing) while the block runs;
    :class:`InputError` at once if another process holds it."""
    try:
        import fcntl
    except ImportError:  # not on Unix: no lock
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    refuse_links(folder, [LOCK])
    try:
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | NOFOLLOW, file_mode())
    except OSError as exc:
        raise InputError(
            f"cannot lock {shown(folder)}: {exc.strerror or exc}", key="--out"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            who = f" (process {holder})" if holder.isdigit() else ""
            raise InputError(
                f"{shown(folder)} is in use by another sim command{who}; wait for it to finish",
                key="--out",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
