"""Writing results safely: atomic files created with the user's umask, never through a
symbolic link, in writable folders, with provenance."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import sys
import tempfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sim.errors import InputError

PROVENANCE_PACKAGES = ("rollout-sim", "mesa", "numpy", "pandas", "scipy", "pydantic")
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that shape results, for every result file, and
    a fingerprint of the model's own code (``rollout-sim code``): the version number does
    not change with every edit, the fingerprint does."""
    out = {"python": platform.python_version()}
    for name in PROVENANCE_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    out["rollout-sim code"] = code_fingerprint()
    return out


@functools.cache
def code_fingerprint() -> str:
    """:func:`tree_fingerprint` of the ``sim`` package, so results can be tied to the code
    that made them."""
    return tree_fingerprint(Path(__file__).resolve().parent, skip=("data",))


def tree_fingerprint(root: Path, skip: tuple[str, ...] = ()) -> str:
    """SHA-256 (first 16 hex digits) of every ``.py`` file below ``root``, by relative path
    and content, leaving out the top-level folders ``skip`` (an installed package's
    ``sim/data`` holds the shipped experiments' scripts, which are not the model)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in skip:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def warn(message: str) -> None:
    """A one-line warning on standard error (``warning: ...``), never a traceback."""
    print(f"warning: {message}", file=sys.stderr)


def shown(path: str | Path, limit: int = 80) -> str:
    """A path as messages show it: quoted, on one line, cut if long."""
    text = repr(str(path))
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def ensure_writable_dir(path: str | Path, *, key: str = "--out") -> Path:
    """Create ``path`` if needed and check that files can be written into it."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=p, prefix=".write-test-"):
            pass
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"cannot write to {shown(p)}: {reason}", key=key) from None
    return p


def file_mode() -> int:
    """The mode a new file gets from ``open()`` under the current umask (0o644 under 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place,
    so a reader never sees a half-written file.

    The file gets the permissions of any new file under the user's umask (``mkstemp``
    alone would make it private), and the rename replaces a symbolic link at ``path``
    rather than writing through it."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
    finally:
        os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes, *, sync: bool = False) -> None:
    """Write ``data`` atomically; with ``sync``, make it durable before the rename."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())

    atomic_write(path, write)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_write_json(path: str | Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=False, default=_jsonable) + "\n")


def read_json(path: str | Path) -> Any:
    """Parse a JSON file without following a symbolic link; ``None`` if it is missing,
    unreadable or not JSON (callers decide what that means)."""
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError, RecursionError):
        return None


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
