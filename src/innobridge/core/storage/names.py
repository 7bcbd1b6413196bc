"""File names: sanitised for display, and quoted for Content-Disposition (RFC 6266 with RFC 5987's
`filename*` for names that are not plain ASCII, such as Chinese ones)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME = 200
FALLBACK = "document"
_SPACES = re.compile(r"\s+")
# RFC 5987 attr-char, less "%" (which quote() escapes itself).
_ATTR_CHARS = "!#$&+-.^_`|~"
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9 !#$&\'()+,\-.;=@\[\]^_`{}~]")


def display_name(raw: str) -> str:
    """The uploader's name without folders, control or bidi characters, at most MAX_NAME long."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: controls; Cf: format characters such as U+202E (right-to-left override: "gpj.exe").
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    name = _SPACES.sub(" ", name).strip().lstrip(".").strip()
    if not name:
        name = FALLBACK
    if len(name) > MAX_NAME:
        _stem, dot, ext = name.rpartition(".")
        keep = f"{dot}{ext}" if dot and len(ext) <= 10 else ""
        name = name[: MAX_NAME - len(keep)].rstrip() + keep
    return name


def with_extension(name: str, extensions: tuple[str, ...]) -> str:
    """`name`, ending with the first of `extensions` unless it already ends with one of them."""
    if any(name.lower().endswith(ext) for ext in extensions):
        return name
    return name + extensions[0]


def content_disposition(name: str, disposition: str = "attachment") -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 §4.3 order)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = _ASCII_UNSAFE.sub("_", ascii_name).strip()
    _stem, dot, ext = name.rpartition(".")
    if not ascii_name.strip("._ ") or ascii_name.startswith("."):
        ascii_name = FALLBACK + (f".{ext}" if dot and ext.isascii() and ext.isalnum() else "")
    value = f'{disposition}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    return value
