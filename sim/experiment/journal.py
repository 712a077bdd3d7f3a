"""Crash-safe storage of finished runs: an append-only journal and one Parquet part per run.

A run is identified by ``(condition, world, replicate)``: ``condition`` is the condition's
key (a hash of its factor values, :attr:`sim.experiment.spec.Condition.key`), ``world``
is 0 until experiments sample uncertain worlds. Each finished run first gets its time
series written to ``parts/`` (atomically, synced), then one JSON line appended to
``journal.jsonl`` (flushed and ``fsync``'d). A run counts as done once its journal line is
complete, so a crash, ``kill -9`` or Ctrl-C loses at most the runs in flight.

Each line carries what the run was made from (``inputs``: a hash of its full scenario,
steps and seed, beside ``scenario``, ``steps`` and ``seed``) and the size and SHA-256 of
its part, so a resumed sweep can check every run on its own. A torn last line (a crash
mid-write) is cut off; a line that cannot be read, or that lacks a field, is ignored (its
run is done again); when a run has several lines, the last one counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from sim.errors import InputError
from sim.io import NOFOLLOW, atomic_write_bytes, file_mode

JOURNAL = "journal.jsonl"
PARTS = "parts"
PART_PATTERN = r"c[0-9a-f]{16}-w\d{3,}-r\d{5,}\.parquet"
STATUSES = ("ok", "failed")

RunKey = tuple[str, int, int]  # (condition key, world, replicate)


def part_path(out_dir: Path, key: RunKey) -> Path:
    condition, world, replicate = key
    return out_dir / PARTS / f"c{condition}-w{world:03d}-r{replicate:05d}.parquet"


def encode_part(timeseries) -> bytes:
    """One run's time series (a DataFrame) as Parquet bytes, made where the run ran."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(timeseries, preserve_index=False).replace_schema_metadata()
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def write_part(out_dir: Path, key: RunKey, data: bytes) -> dict[str, Any]:
    """Write one run's Parquet bytes atomically and durably; return their size and hash."""
    atomic_write_bytes(part_path(out_dir, key), data, sync=True)
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def part_is_intact(out_dir: Path, key: RunKey, part: dict[str, Any]) -> bool:
    """Is the part of ``key`` a regular file with the size and hash its line recorded?"""
    try:
        fd = os.open(part_path(out_dir, key), os.O_RDONLY | NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fh.fileno()).st_size != part.get("bytes"):
            return False
        return hashlib.sha256(fh.read()).hexdigest() == part.get("sha256")


class Journal:
    """The journal of one sweep folder.

    ``index`` maps each recorded run to the byte offset of its (last valid) line, so the
    final files can be written in run order by seeking, without holding the records;
    ``ignored`` counts lines that could not be read.
    """

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / JOURNAL
        self.index: dict[RunKey, int] = {}
        self.status: dict[RunKey, str] = {}
        self.ignored = 0
        self._fd: int | None = None
        self._end = 0
        self._scan()

    def _scan(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY | NOFOLLOW)
        except FileNotFoundError:
            return
        except OSError as exc:  # a link (O_NOFOLLOW), a folder, no permission
            raise InputError(f"cannot read: {exc.strerror or exc}", source=str(self.path)) from None
        offset = 0
        with os.fdopen(fd, "rb") as fh:
            for line in fh:
                start, offset = offset, offset + len(line)
                if not line.endswith(b"\n"):
                    break  # torn last line
                self._end = offset
                record = parse(line)
                if record is None:
                    self.ignored += line.strip() != b""
                    continue
                self._note(record, start)

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, key: RunKey) -> bool:
        return key in self.index

    def forget(self, key: RunKey) -> None:
        """Treat ``key`` as not done (its part is missing or damaged)."""
        self.index.pop(key, None)
        self.status.pop(key, None)

    def open(self) -> Journal:
        """Open for appending (never through a link), cutting off a torn last line first."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | NOFOLLOW, file_mode())
        os.ftruncate(self._fd, self._end)
        return self

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, record: dict[str, Any]) -> None:
        """Append one finished run and make it durable before returning."""
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
        os.pwrite(self._fd, line, self._end)
        os.fsync(self._fd)
        self._note(record, self._end)
        self._end += len(line)

    def _note(self, record: dict[str, Any], offset: int) -> None:
        key = run_key(record)
        self.index[key] = offset  # a later line (a rerun) supersedes an earlier one
        self.status[key] = record["status"]

    def failed(self) -> int:
        return sum(1 for s in self.status.values() if s != "ok")

    def get(self, key: RunKey) -> dict[str, Any]:
        """The journal line of ``key``."""
        with self.path.open("rb") as fh:
            fh.seek(self.index[key])
            return json.loads(fh.readline())

    def reader(self) -> _Reader:
        """Read many lines through one open file: ``with journal.reader() as read: ...``."""
        return _Reader(self)


class _Reader:
    def __init__(self, journal: Journal):
        self.journal = journal
        self.fh = None

    def __enter__(self):
        fd = os.open(self.journal.path, os.O_RDONLY | NOFOLLOW)
        self.fh = os.fdopen(fd, "rb")
        return self.read

    def read(self, key: RunKey) -> dict[str, Any]:
        self.fh.seek(self.journal.index[key])
        return json.loads(self.fh.readline())

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def run_key(record: dict[str, Any]) -> RunKey:
    return (record["condition"], record["world"], record["replicate"])


_HEX16 = re.compile(r"[0-9a-f]{16}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def parse(line: bytes) -> dict[str, Any] | None:
    """A journal line as a dict, or ``None`` if it is not a complete, well-formed record."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    ok = (
        isinstance(record.get("condition"), str)
        and _HEX16.fullmatch(record["condition"]) is not None
        and _count(record.get("world"))
        and _count(record.get("replicate"))
        and _count(record.get("steps"))
        and _count(record.get("seed"))
        and isinstance(record.get("inputs"), str)
        and record.get("status") in STATUSES
        and isinstance(record.get("error", ""), str)
    )
    if ok and record["status"] == "ok":
        part = record.get("part")
        ok = (
            isinstance(record.get("outcomes"), dict)
            and isinstance(part, dict)
            and _count(part.get("bytes"))
            and isinstance(part.get("sha256"), str)
            and _HEX64.fullmatch(part["sha256"]) is not None
        )
    return record if ok else None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
