"""Hostile import files, built in the test that uses them (no fixtures checked in)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
ORG_ROWS = [
    ["name_zh", "kind", "region_code"],
    ["表格机构", "incubator", "310115"],
    ["另一机构", "enterprise", "310104"],
]


def workbook(rows: list[list[object]] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows or ORG_ROWS:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    """The same archive with some members replaced (or dropped when None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in change:
                body = change[info.filename]
                if body is not None:
                    dst.writestr(info.filename, body)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def cut_sheet_xml() -> bytes:
    """A workbook whose sheet XML stops mid-way (the zip itself is sound)."""
    data = workbook(ORG_ROWS * 50)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read(SHEET)
    return rezip(data, {SHEET: sheet[: len(sheet) // 2]})


def cut_archive() -> bytes:
    """A workbook file cut off in the middle of its archive."""
    data = workbook(ORG_ROWS * 200)
    return data[: len(data) * 2 // 3]


def zip_not_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
        z.writestr("data.csv", "name_zh,kind\nA,enterprise\n")
    return out.getvalue()


def zip_bomb(expanded: int, *, lie: bool = False) -> bytes:
    """A valid-looking workbook whose sheet unpacks to `expanded` bytes (deflate: about 1000:1).

    With `lie`, the central directory claims the sheet is 1 KB."""
    data = workbook()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info, src.read(info.filename))
        row = b'<row r="2"><c t="inlineStr"><is><t>x</t></is></c></row>'
        head = (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
            b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c t="inlineStr"><is><t>name_zh</t></is></c></row>'
        )
        block = row * (1024 * 1024 // len(row))
        info = zipfile.ZipInfo(SHEET)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as fh:
            fh.write(head)
            written = len(head)
            while written < expanded:
                fh.write(block)
                written += len(block)
            fh.write(b"</sheetData></worksheet>")
    bomb = out.getvalue()
    if lie:
        bomb = _declare_size(bomb, SHEET.encode(), 1024)
    return bomb


def _declare_size(data: bytes, name: bytes, size: int) -> bytes:
    """Patch the central directory entry of `name` to claim `size` uncompressed bytes."""
    buf = bytearray(data)
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) >= 0:
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + name_len]) == name:
            if struct.unpack_from("<I", buf, pos + 24)[0] == 0xFFFFFFFF:  # zip64: size in the extra field
                extra_len = struct.unpack_from("<H", buf, pos + 30)[0]
                extra = pos + 46 + name_len
                end = extra + extra_len
                while extra < end:
                    tag, length = struct.unpack_from("<HH", buf, extra)
                    if tag == 1:
                        struct.pack_into("<Q", buf, extra + 4, size)
                        break
                    extra += 4 + length
            else:
                struct.pack_into("<I", buf, pos + 24, size)
            return bytes(buf)
        pos += 4
    raise AssertionError("member not found")


def deep_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_json_cell(depth: int = 100_000) -> bytes:
    return b'[{"name_zh": "A", "kind": "enterprise", "description": ' + deep_json(depth) + b"}]"


def gbk_behind_utf8_bom() -> bytes:
    text = "机构名称,机构类型,行政区划代码\n上海示例大学,university,310110\n上海浦江公司,enterprise,310104\n"
    return b"\xef\xbb\xbf" + text.encode("gbk")


def csv_with_nul(at_line: int = 300) -> bytes:
    """A CSV with a NUL byte on file line `at_line` (past the first 4 KB)."""
    lines = ["name_zh,kind,region_code"] + [f"机构{i},enterprise,310104" for i in range(at_line)]
    lines[at_line - 1] = "坏\x00机构,enterprise,310104"
    return ("\n".join(lines) + "\n").encode()


# name → (build, file kind, the refusal code expected)
HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "sheet XML cut off": (cut_sheet_xml, "xlsx", "import.xlsx_damaged"),
    "archive cut off": (cut_archive, "xlsx", "import.zip_damaged"),
    "text named .xlsx": (lambda: b"name_zh,kind\nA,enterprise\n", "xlsx", "import.not_xlsx"),
    "zip that is no workbook": (zip_not_workbook, "xlsx", "import.not_a_workbook"),
    "deeply nested JSON": (deep_json, "json", "import.too_deep"),
    "deeply nested JSON cell": (deep_json_cell, "json", "import.too_deep"),
    "GBK behind a UTF-8 BOM": (gbk_behind_utf8_bom, "csv", "import.inconsistent_encoding"),
    "NUL byte in a CSV": (csv_with_nul, "csv", "import.nul_byte"),
    "empty CSV": (lambda: b"", "csv", "import.empty"),
    "empty workbook file": (lambda: b"", "xlsx", "import.empty"),
    "empty JSON": (lambda: b"  \n", "json", "import.empty"),
}
