"""Reading the first sheet of an XLSX workbook as rows, in bounded memory, refusing zip bombs early.

A workbook is a zip archive of XML parts. Before openpyxl sees it, the archive's declared sizes are
summed against `Limits.max_expanded_bytes`; while it is read, every byte that comes out of the archive is
counted against the same budget (declared sizes are only what the file claims). openpyxl reads in
read-only mode: the sheet's XML is parsed as rows are consumed, never held whole.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from innobridge.registry.tables import FileUnreadable, Limits, Table

MAX_MEMBERS = 10_000  # parts in one archive; real workbooks have tens
_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/workbook.bin")
_CHUNK = 64 * 1024


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise FileUnreadable("import.too_expanded", limit=_mb(self.limit))


class _Counted:
    """A member opened for reading whose output is charged to the archive's budget as it is read."""

    def __init__(self, raw: IO[bytes], budget: _Budget) -> None:
        self._raw = raw
        self._budget = budget

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:  # read all, but a chunk at a time so the budget stops it early
            parts = []
            while chunk := self.read(_CHUNK):
                parts.append(chunk)
            return b"".join(parts)
        data = self._raw.read(n)
        self._budget.spend(len(data))
        return data

    def read1(self, n: int = -1) -> bytes:
        return self.read(_CHUNK if n is None or n < 0 else n)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> _Counted:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _GuardedZip(zipfile.ZipFile):
    budget: _Budget

    def open(self, name: Any, mode: Any = "r", pwd: bytes | None = None, **kw: Any) -> Any:
        member = super().open(name, mode, pwd, **kw)
        return _Counted(member, self.budget) if mode == "r" else member


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def _open_archive(fh: IO[bytes], limits: Limits) -> _GuardedZip:
    fh.seek(0)
    zipped = fh.read(4) == b"PK\x03\x04"
    fh.seek(0)
    try:
        archive = _GuardedZip(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        if zipped:  # it starts as a zip archive but its directory is missing: cut off or damaged
            raise FileUnreadable("import.zip_damaged") from exc
        raise FileUnreadable("import.not_xlsx") from exc
    archive.budget = _Budget(limits.max_expanded_bytes)
    members = archive.infolist()
    names = {m.filename for m in members}
    if len(members) > MAX_MEMBERS or "[Content_Types].xml" not in names or not names & set(_WORKBOOK_PARTS):
        archive.close()
        raise FileUnreadable("import.not_a_workbook")
    declared = sum(m.file_size for m in members)
    if declared > limits.max_expanded_bytes:
        archive.close()
        raise FileUnreadable(
            "import.too_expanded_declared", size=_mb(declared), limit=_mb(limits.max_expanded_bytes)
        )
    return archive


def read_xlsx(fh: IO[bytes], limits: Limits) -> Table:
    from openpyxl.reader.excel import ExcelReader  # lazily: only XLSX files pay for its import time

    archive = _open_archive(fh, limits)
    try:
        # load_workbook(…) is ExcelReader(…).read(); the reader is given the guarded archive instead.
        reader = ExcelReader(fh, read_only=True, data_only=True)
        reader.archive.close()
        reader.archive = archive
        reader.valid_files = archive.namelist()
        reader.read()
        wb = reader.wb
        if not wb.worksheets:
            raise FileUnreadable("import.not_a_workbook")
        ws = wb.worksheets[0]
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
    except FileUnreadable:
        archive.close()
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ParseError, zlib.error …)
        archive.close()
        raise FileUnreadable("import.bad_xlsx", detail=f"{type(exc).__name__}: {exc}"[:200]) from exc
    headers = [str(h).strip() if h is not None else "" for h in (first or ())]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        archive.close()
        raise FileUnreadable("import.no_header")
    width = len(headers)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        n = 1
        try:
            # max_col: a sheet that claims 16,384 columns still yields rows as wide as its header
            for n, values in enumerate(ws.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
                if not values or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield n, {h: ("" if v is None else v) for h, v in zip(headers, values, strict=False) if h}
        except FileUnreadable:
            raise
        except (ParseError, zipfile.BadZipFile, zlib.error, EOFError) as exc:  # cut off, corrupt stream
            raise FileUnreadable("import.xlsx_damaged", row=n + 1, detail=str(exc)[:120]) from exc
        except Exception as exc:  # openpyxl on a malformed cell or part
            detail = f"row {n + 1}: {type(exc).__name__}: {exc}"[:200]
            raise FileUnreadable("import.bad_xlsx", detail=detail) from exc
        finally:
            archive.close()

    total = (ws.max_row - 1) if ws.max_row else None
    return Table(headers, rows(), total, "xlsx", kind="xlsx", _close=[archive.close])
