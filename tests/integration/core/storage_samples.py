"""Real files of each kind the storage checks meet, built in memory (shared by the storage tests)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import openpyxl

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="{part}" ContentType="{ct}"/></Types>'
)


STAMP = (2026, 1, 1, 0, 0, 0)


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 64 + b"\xff\xd9"


def xlsx() -> bytes:
    """A real workbook from openpyxl (its timestamps make each call's bytes differ: build it once)."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "合同金额"  # type: ignore[index]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ooxml(part: str, ct: str, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    parts = {"[Content_Types].xml": _CT.format(part=part, ct=ct).encode(), part.lstrip("/"): b"<document/>"}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in {**parts, **(extra or {})}.items():
            z.writestr(zipfile.ZipInfo(name, date_time=STAMP), data)  # the same bytes on every call
    return out.getvalue()


def docx() -> bytes:
    return _ooxml(
        "/word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    )


def pptx() -> bytes:
    return _ooxml(
        "/ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    )


def docm() -> bytes:
    """A Word document with macros: a zip that is Office Open XML, but not one we accept."""
    return _ooxml(
        "/word/document.xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
    )


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", date_time=STAMP), "not an office document")
    return out.getvalue()


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 48 + b"PE\0\0" + b"\0" * 64


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def text() -> bytes:
    return "技术转让合同（草案）\nTechnology transfer contract, draft 2\n\t金额：100 万元\n".encode()


SAMPLES = {
    "pdf": pdf,
    "png": png,
    "jpeg": jpeg,
    "docx": docx,
    "xlsx": xlsx,
    "pptx": pptx,
    "txt": text,
}
