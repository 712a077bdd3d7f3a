"""Crash-safe storage of finished runs: an append-only journal and one Parquet part per run.

Each finished run first gets its time series written to ``parts/`` (atomically, synced),
then one JSON line appended to ``journal.jsonl`` (flushed and ``fsync``'d). A run counts as
done once its journal line is complete, so a crash, ``kill -9`` or Ctrl-C loses at most the
runs in flight. A torn last line (a crash mid-write) is ignored and cut off on resume; a
part without a journal line is simply written again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sim.io import atomic_write

JOURNAL = "journal.jsonl"
PARTS = "parts"

RunKey = tuple[int, int]  # (point, replicate)


def part_path(out_dir: Path, point: int, replicate: int) -> Path:
    return out_dir / PARTS / f"p{point:05d}-r{replicate:05d}.parquet"


def write_part(out_dir: Path, point: int, replicate: int, table: pa.Table) -> None:
    """Write one run's time series atomically and durably."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_write(part_path(out_dir, point, replicate), write)


class Journal:
    """The journal of one sweep folder.

    ``index`` maps each finished run to the byte offset of its line, so the final files can
    be written in (point, replicate) order by seeking, without holding the records.
    """

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / JOURNAL
        self.index: dict[RunKey, int] = {}
        self.failed: set[RunKey] = set()
        self._fh = None
        self._end = 0
        if self.path.exists():
            self._scan()

    def _scan(self) -> None:
        offset = 0
        with self.path.open("rb") as fh:
            for line in fh:
                start, offset = offset, offset + len(line)
                if not line.endswith(b"\n"):
                    break  # torn last line
                record = _parse(line)
                if record is None:
                    continue
                self._add(record, start)
                self._end = offset

    def __len__(self) -> int:
        return len(self.index)

    def __contains__(self, key: RunKey) -> bool:
        return key in self.index

    def open(self) -> Journal:
        """Open for appending, cutting off a torn last line first."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("ab")
        self._fh.truncate(self._end)
        self._fh.seek(self._end)
        return self

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, record: dict[str, Any]) -> None:
        """Append one finished run and make it durable before returning."""
        line = (json.dumps(record, separators=(",", ":")) + "\n").encode()
        self._fh.write(line)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._add(record, self._end)
        self._end += len(line)

    def _add(self, record: dict[str, Any], offset: int) -> None:
        key = (record["point"], record["replicate"])
        if key not in self.index:  # a run is recorded once; keep the first line
            self.index[key] = offset
            if record.get("status") != "ok":
                self.failed.add(key)

    def ok_keys(self) -> list[RunKey]:
        """Successful runs, sorted."""
        return sorted(k for k in self.index if k not in self.failed)

    def records(self) -> Iterator[dict[str, Any]]:
        """Finished runs sorted by point, then replicate, read one at a time."""
        with self.path.open("rb") as fh:
            for key in sorted(self.index):
                fh.seek(self.index[key])
                yield json.loads(fh.readline())


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    ok = (
        isinstance(record, dict)
        and isinstance(record.get("point"), int)
        and isinstance(record.get("replicate"), int)
    )
    return record if ok else None
