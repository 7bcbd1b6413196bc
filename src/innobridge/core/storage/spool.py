"""An upload written to a staging file as it arrives: hashed on the way, stopped at the size limit.

Nothing but one chunk is ever held in memory, and writing stops as soon as the limit is passed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from innobridge.core.errors import AppError


class TooLarge(AppError):
    status = 413
    code = "storage.too_large"


class Empty(AppError):
    status = 422
    code = "storage.empty"


@dataclass(frozen=True)
class Spooled:
    """A complete upload in a staging file; the store moves it into place or removes it."""

    path: Path
    size: int
    sha256: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:g} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1000  # type: ignore[assignment]
    raise AssertionError("unreachable")


class Spool:
    """`with Spool(dir, limit, name=…) as s: s.write(chunk)…; spooled = s.finish()`.

    Leaving the block by an exception (TooLarge included) removes the staging file.
    """

    def __init__(self, staging_dir: Path, limit: int, *, name: str = "") -> None:
        staging_dir.mkdir(parents=True, exist_ok=True)
        fd, path = tempfile.mkstemp(dir=staging_dir, prefix="upload-", suffix=".part")
        self._file = os.fdopen(fd, "wb")
        self.path = Path(path)
        self.limit = limit
        self.name = name
        self.size = 0
        self._hash = hashlib.sha256()
        self._done = False

    def write(self, chunk: bytes) -> None:
        if self.size + len(chunk) > self.limit:
            raise TooLarge(name=self.name, limit=human_size(self.limit))
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)

    def finish(self) -> Spooled:
        if self.size == 0:
            raise Empty(name=self.name)
        self._file.flush()
        os.fsync(self._file.fileno())  # the rename into the store must never expose a torn file
        self._file.close()
        self._done = True
        return Spooled(self.path, self.size, self._hash.hexdigest())

    def __enter__(self) -> Spool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._done:
            self._file.close()
            self.path.unlink(missing_ok=True)


def remove_stale(staging_dir: Path, *, older_than_s: float = 24 * 3600) -> int:
    """Remove staging files a crashed process left behind (a live upload's file is written every moment)."""
    if not staging_dir.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for path in staging_dir.glob("upload-*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # finished or removed meanwhile
            continue
    return removed


def spool(chunks: Iterable[bytes], *, staging_dir: Path, limit: int, name: str = "") -> Spooled:
    """Write `chunks` to a staging file (for the CLI, jobs and tests; the API feeds a Spool itself)."""
    with Spool(staging_dir, limit, name=name) as s:
        for chunk in chunks:
            s.write(chunk)
        return s.finish()
