"""What a read file is, shared by the readers (`files.py` for CSV and JSON, `workbooks.py` for XLSX):
the rows as a stream (`Table`), what one import may cost (`Limits`) and the refusal (`FileUnreadable`).
Its own module so that the two readers need not import each other."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any


class FileUnreadable(Exception):
    """The file as a whole cannot be read or is refused (encoding, format, limits): import exits with 2."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Limits:
    """What one import may cost (settings `import_max_*`); the defaults are the settings' defaults."""

    max_rows: int = 100_000
    max_expanded_bytes: int = 256 * 1024 * 1024  # what a workbook's zip may unpack to
    max_seconds: float = 600.0


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]  # (1-based row number in the file, cells by header)
    total: int | None  # rows, when known up front (progress bars)
    encoding: str | None = None
    kind: str = "csv"  # csv, xlsx, json or jsonl: spreadsheet cells are un-neutralised on import
    _close: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def spreadsheet(self) -> bool:
        return self.kind in ("csv", "xlsx")

    def close(self) -> None:
        while self._close:
            self._close.pop()()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
