"""What an uploaded file really is, read from its bytes — never from its name or the client's word.

puremagic names the family from the leading bytes; a ZIP is opened to tell an Office Open XML document
from any other archive (and macro-enabled Office files are refused); plain text must be strict UTF-8
with no control characters other than tab, line breaks and form feed.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import puremagic

HEAD_BYTES = 8192
_CHUNK = 1 << 20
_CONTENT_TYPES_MAX = 1 << 20  # [Content_Types].xml is a few KB; more is not an Office file

OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the canonical one


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("pdf", "application/pdf", (".pdf",)),
        Kind("png", "image/png", (".png",)),
        Kind("jpeg", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif")),
        Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
        Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
        Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",)),
        Kind("txt", "text/plain; charset=utf-8", (".txt", ".text", ".md", ".csv")),
    )
}
_BY_MAGIC_MIME = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpeg"}
# Text that a browser or a desktop would run or render as markup is not "plain text".
_MARKUP = ("html", "xml", "svg", "script", "x-sh", "php", "postscript")
# Control characters other than tab, line feed, form feed and carriage return: not plain text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Detected:
    """`kind` is one of KINDS, or None with `label` naming what the content is instead."""

    kind: str | None
    label: str


def detect(path: Path) -> Detected:
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    matches = _magic(head)
    for mime in matches:
        if mime in _BY_MAGIC_MIME:
            return Detected(_BY_MAGIC_MIME[mime], mime)
    if head.startswith(b"PK\x03\x04"):
        return _office(path)
    markup = next((m for m in matches if any(word in m for word in _MARKUP)), None)
    if markup is None and _is_plain_text(path):
        return Detected("txt", "text/plain")
    if markup is not None:
        return Detected(None, markup)
    return Detected(None, matches[0] if matches else "application/octet-stream")


def _magic(head: bytes) -> list[str]:
    """What puremagic recognises, as MIME types where it knows them (those first), else names."""
    try:
        found = puremagic.magic_string(head)
    except puremagic.PureError:  # nothing recognised: maybe text
        return []
    typed = [m.mime_type for m in found if m.mime_type and m.mime_type != "application/octet-stream"]
    return typed + [m.name for m in found if not m.mime_type]


def _office(path: Path) -> Detected:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "[Content_Types].xml" not in names:
                return Detected(None, "application/zip")
            with z.open("[Content_Types].xml") as part:
                types = part.read(_CONTENT_TYPES_MAX + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError):
        return Detected(None, "application/zip (damaged)")
    if len(types) > _CONTENT_TYPES_MAX:
        return Detected(None, "application/zip")
    if b"macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        return Detected(None, "Office document with macros")
    for kind, main in OOXML_MAIN.items():
        if main in types:
            return Detected(kind, KINDS[kind].content_type)
    return Detected(None, "application/zip")


def _is_plain_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                if _CONTROL.search(decoder.decode(chunk)):
                    return False
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
