"""Reading and writing tabular files: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, JSON and JSONL.

Pure I/O: rows come out as (row number, {header: cell}); nothing here knows the entities.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

# Cells that a spreadsheet would run as a formula (CSV injection); neutralised on export.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
csv.field_size_limit(
    256 * 1024 * 1024
)  # long cells are rejected by validation with a clear message, not by csv


class FileUnreadable(Exception):
    """The file as a whole cannot be read (encoding, format): import exits with code 2."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]  # (1-based row number in the file, cells by header)
    total: int | None  # rows, when known up front (progress bars)
    encoding: str | None = None


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise FileUnreadable("import.unknown_format", suffix=suffix or "(none)")


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-16 (BOM), UTF-8 (with or without BOM), GB18030 (covers GBK), then a guess."""
    # UTF-16 with BOM, as some Excel versions save
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileUnreadable("import.undecodable") from exc
    if b"\x00" in data[:4096]:  # NUL bytes: a binary file or UTF-16 without BOM, not text we can trust
        raise FileUnreadable("import.undecodable")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise FileUnreadable("import.undecodable")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileUnreadable("import.undecodable") from exc


def read_table(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileUnreadable("import.cannot_open", detail=str(exc)) from exc
    return read_bytes(data, kind_of(path))


def read_bytes(data: bytes, kind: str) -> Table:
    if not data.strip():
        raise FileUnreadable("import.empty")
    if kind == "xlsx":
        return _read_xlsx(data)
    text, encoding = decode(data)
    if kind == "csv":
        return _read_csv(text, encoding)
    if kind == "json":
        return _read_json(text, encoding)
    return _read_jsonl(text, encoding)


def _read_csv(text: str, encoding: str) -> Table:
    sample = text[:20_000]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    try:
        headers = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise FileUnreadable("import.no_header") from exc
    if not any(headers):
        raise FileUnreadable("import.no_header")

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        line_no = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. NUL bytes: report the row, go on with the next
                line_no += 1
                yield line_no, {"__error__": str(exc)}
                continue
            line_no = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row: dict[str, Any] = dict(zip(headers, cells, strict=False))
            if len(cells) > len(headers):
                row["__error__"] = f"{len(cells)} cells for {len(headers)} columns"
            yield line_no, row

    return Table(headers, rows(), max(len(lines) - 1, 0), encoding)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook  # lazily: only XLSX files pay for its import time

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise FileUnreadable("import.bad_xlsx", detail=str(exc)[:200]) from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(it)]
    except StopIteration as exc:
        raise FileUnreadable("import.no_header") from exc

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, values in enumerate(it, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            yield n, {h: ("" if v is None else v) for h, v in zip(headers, values, strict=False) if h}

    total = (ws.max_row - 1) if ws.max_row else None
    return Table(headers, rows(), total, "xlsx")


def _read_json(text: str, encoding: str) -> Table:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileUnreadable("import.bad_json", detail=str(exc)) from exc
    if isinstance(data, dict):
        data = data.get("items", data.get("data"))
    if not isinstance(data, list):
        raise FileUnreadable("import.bad_json", detail="expected a list of objects")
    headers: list[str] = []
    for obj in data:
        if isinstance(obj, dict):
            headers.extend(k for k in obj if k not in headers)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, obj in enumerate(data, start=1):
            yield n, obj if isinstance(obj, dict) else {"__error__": "not an object"}

    return Table(headers, rows(), len(data), encoding)


def _read_jsonl(text: str, encoding: str) -> Table:
    lines = text.splitlines()
    headers: list[str] = []
    for line in lines[:1000]:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            headers.extend(k for k in obj if k not in headers)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, {"__error__": f"bad JSON: {exc.msg}"}
                continue
            yield n, obj if isinstance(obj, dict) else {"__error__": "not an object"}

    return Table(headers, rows(), len(lines), encoding)


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would evaluate with an apostrophe (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unneutralise(value: Any) -> Any:
    """Undo `neutralise` on import, so export → import gives the same text back."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == "'"
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write rows as CSV (UTF-8 with BOM, so Excel reads Chinese), XLSX or JSONL by the file's extension."""
    kind = kind_of(path)
    n = 0
    if kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(headers)
            for row in rows:
                w.writerow([neutralise(v) for v in row])
                n += 1
    elif kind == "xlsx":
        from openpyxl import Workbook  # lazily, as above

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        ws.append(list(headers))
        for row in rows:
            ws.append([neutralise(v) for v in row])
            n += 1
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8") as fh:
            if kind == "json":
                items = [dict(zip(headers, row, strict=True)) for row in rows]
                json.dump(items, fh, ensure_ascii=False, default=str)
                n = len(items)
            else:
                for row in rows:
                    fh.write(
                        json.dumps(dict(zip(headers, row, strict=True)), ensure_ascii=False, default=str)
                        + "\n"
                    )
                    n += 1
    return n
