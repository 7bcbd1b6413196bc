"""Reading and writing tabular files: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX, JSON and JSONL.

Pure I/O: rows come out as (row number, {header: cell}); nothing here knows the entities. Files are read
as streams, a block or a row at a time, so memory does not grow with the file: the text encoding is
checked over the whole file first (a file that changes encoding half-way is refused, not turned into
mojibake), then rows are parsed as they are consumed. Workbooks are read by `workbooks.py`, which caps
what their zip archive may expand to.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from charset_normalizer import from_bytes

from innobridge.registry.tables import FileUnreadable, Limits, Table

# Cells that a spreadsheet would run as a formula (CSV injection); neutralised on export.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
csv.field_size_limit(
    256 * 1024 * 1024
)  # long cells are rejected by validation with a clear message, not by csv
BLOCK = 1 << 20  # bytes read at a time
HEADER_PEEK = 1000  # JSON objects looked at to list the file's columns (later keys still map)


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


def _check_encoding(fh: IO[bytes], encoding: str) -> int | None:
    """Decode the whole file block by block: its number of lines, or None when it is not `encoding`.

    A NUL character is refused here, naming its line (PostgreSQL cannot store it, and it marks a binary
    file or a wrong encoding)."""
    fh.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    while True:
        block = fh.read(BLOCK)
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError:
            return None
        nul = text.find("\x00")
        if nul >= 0:
            raise FileUnreadable("import.nul_byte", line=lines + text.count("\n", 0, nul) + 1)
        lines += text.count("\n")
        if not block:
            return lines + (1 if text and not text.endswith("\n") else 0)


def _detect(fh: IO[bytes]) -> tuple[str, int]:
    """Text encoding and line count: UTF-16 (BOM), UTF-8 (with or without BOM), GB18030, then a guess."""
    fh.seek(0)
    head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with BOM, as some Excel versions save
        lines = _check_encoding(fh, "utf-16")
        if lines is None:
            raise FileUnreadable("import.undecodable")
        return "utf-16", lines
    if head.startswith(codecs.BOM_UTF8):
        lines = _check_encoding(fh, "utf-8-sig")
        if lines is None:  # e.g. GBK text saved behind a UTF-8 mark: say so instead of guessing
            raise FileUnreadable("import.inconsistent_encoding", line=_first_bad_line(fh, "utf-8-sig"))
        return "utf-8-sig", lines
    if b"\x00" in head:  # NUL bytes at the start: a binary file or UTF-16 without BOM
        raise FileUnreadable("import.undecodable")
    for enc in ("utf-8-sig", "gb18030"):
        lines = _check_encoding(fh, enc)
        if lines is not None:
            return enc, lines
    fh.seek(0)
    best = from_bytes(fh.read(200_000)).best()
    if best is None or best.encoding is None:
        raise FileUnreadable("import.undecodable")
    try:
        lines = _check_encoding(fh, best.encoding)
    except LookupError as exc:
        raise FileUnreadable("import.undecodable") from exc
    if lines is None:
        raise FileUnreadable("import.undecodable")
    return best.encoding, lines


def _first_bad_line(fh: IO[bytes], encoding: str) -> int:
    fh.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    while block := fh.read(BLOCK):
        try:
            lines += decoder.decode(block).count("\n")
        except UnicodeDecodeError as exc:
            good = block[: exc.start]
            return lines + good.count(b"\n") + 1
    return lines + 1


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of a whole (small) byte string, by the same rules as the file readers."""
    encoding, _ = _detect(io.BytesIO(data))
    return data.decode(encoding), encoding


def read_table(path: Path, limits: Limits | None = None) -> Table:
    """Open a file and read it as rows; the file stays open until the rows are consumed or closed."""
    kind = kind_of(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise FileUnreadable("import.cannot_open", detail=str(exc)) from exc
    try:
        table = read_stream(fh, kind, limits)
    except BaseException:
        fh.close()
        raise
    table._close.append(fh.close)
    # Callers that only iterate still close the file: when the rows end, or when they are dropped.
    table.rows = _closing(table.rows, table._close)
    return table


def _closing(
    rows: Iterator[tuple[int, dict[str, Any]]], closers: list[Callable[[], None]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        yield from rows
    finally:  # the list, not the table: no reference cycle, so dropping the table closes at once
        while closers:
            closers.pop()()


def read_bytes(data: bytes, kind: str, limits: Limits | None = None) -> Table:
    return read_stream(io.BytesIO(data), kind, limits)


def read_stream(fh: IO[bytes], kind: str, limits: Limits | None = None) -> Table:
    """Rows of a seekable binary stream (a file, an upload's spooled file) of the given kind."""
    limits = limits or Limits()
    fh.seek(0)
    head = fh.read(BLOCK)
    if not head.strip() and len(head) < BLOCK:
        raise FileUnreadable("import.empty")
    if kind == "xlsx":
        from innobridge.registry import workbooks  # lazily: only XLSX files pay for openpyxl

        return workbooks.read_xlsx(fh, limits)
    encoding, lines = _detect(fh)
    fh.seek(0)
    text = io.TextIOWrapper(fh, encoding=encoding, newline="" if kind == "csv" else None)
    if kind == "csv":
        table = _read_csv(text, encoding, lines)
    elif kind == "json":
        table = _read_json(text, encoding)
    else:
        table = _read_jsonl(text, encoding, lines)
    table.kind = kind
    table._close.append(lambda: _release(text))
    return table


def _release(text: io.TextIOWrapper) -> None:
    """Let go of a text wrapper without closing the stream under it (the caller owns that)."""
    with contextlib.suppress(ValueError):  # already detached or closed
        text.detach()


def _read_csv(text: io.TextIOWrapper, encoding: str, lines: int) -> Table:
    sample = text.read(20_000)
    text.seek(0)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter, strict=False)
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
            except csv.Error as exc:  # report the row, go on with the next
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

    return Table(headers, rows(), max(lines - 1, 0), encoding)


def _nested(obj: dict[str, Any]) -> str | None:
    """The first key whose value nests deeper than a list of plain values (rows are flat)."""
    for key, value in obj.items():
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)
        ):
            return str(key)[:80]
    return None


def _as_row(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict):
        return {"__error__": "not an object"}
    key = _nested(obj)
    if key is not None:
        return {"__error__": f"'{key}' holds nested objects or lists; rows are flat"}
    return obj


def _peek_headers(
    rows: Iterator[tuple[int, dict[str, Any]]],
) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """Columns named by the first objects (later new keys are still mapped by the importer)."""
    first: list[tuple[int, dict[str, Any]]] = []
    headers: dict[str, None] = {}
    for item in rows:
        first.append(item)
        headers.update((k, None) for k in item[1] if not k.startswith("__"))
        if len(first) >= HEADER_PEEK:
            break

    def chained() -> Iterator[tuple[int, dict[str, Any]]]:
        yield from first
        yield from rows

    return list(headers), chained()


class _JsonStream:
    """A JSON text read one value at a time with the standard decoder (its C scanner refuses nesting
    past the recursion limit with RecursionError, which becomes a clear refusal here)."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _more(self) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(max(BLOCK, len(self.buf) - self.pos))  # grows with a large value
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str) -> str:
        c = self.peek()
        if not c or c not in chars:
            raise FileUnreadable("import.bad_json", detail=f"expected {' or '.join(chars)}, found {c!r}")
        self.pos += 1
        return c

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except RecursionError as exc:
                raise FileUnreadable("import.too_deep") from exc
            except json.JSONDecodeError as exc:
                if self._more():
                    continue
                raise FileUnreadable("import.bad_json", detail=exc.msg) from exc
            if end == len(self.buf) and self._more():  # a number may go on in the next block
                continue
            self.pos = end
            return obj

    def array(self) -> Iterator[Any]:
        """The values of the array that starts here."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.expect(",]") == "]":
                return


def _read_json(text: io.TextIOWrapper, encoding: str) -> Table:
    stream = _JsonStream(text)
    start = stream.peek()
    if start == "{":  # {"items": [...]} or {"data": [...]}: the first such list is the rows
        stream.expect("{")
        while True:
            if stream.peek() == "}":
                raise FileUnreadable("import.bad_json", detail="expected a list of objects")
            key = stream.value()
            stream.expect(":")
            if key in ("items", "data") and stream.peek() == "[":
                break
            stream.value()  # some other member: skipped
            if stream.expect(",}") == "}":
                raise FileUnreadable("import.bad_json", detail="expected a list of objects")
    elif start != "[":
        raise FileUnreadable("import.bad_json", detail="expected a list of objects")

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, obj in enumerate(stream.array(), start=1):
            yield n, _as_row(obj)

    headers, chained = _peek_headers(rows())
    return Table(headers, chained, None, encoding)


def _read_jsonl(text: io.TextIOWrapper, encoding: str, lines: int) -> Table:
    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for n, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, {"__error__": f"bad JSON: {exc.msg}"}
                continue
            except RecursionError:
                yield n, {"__error__": "bad JSON: nested too deeply"}
                continue
            yield n, _as_row(obj)

    headers, chained = _peek_headers(rows())
    return Table(headers, chained, lines, encoding)


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
