"""File names: what is shown and what Content-Disposition says (RFC 6266, RFC 5987 for non-ASCII)."""

from __future__ import annotations

from email.message import Message

import pytest

from innobridge.core.storage.names import MAX_NAME, content_disposition, display_name, with_extension


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("技术转让合同.pdf", "技术转让合同.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\报告.docx", "报告.docx"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override would show "exe.pdf"
        ("a\x00b\r\nc.txt", "abc.txt"),
        ("  多个   空格 .pdf ", "多个 空格 .pdf"),
        (".hidden", "hidden"),
        ("", "document"),
        ("/", "document"),
        ("e\u0301.txt", "\u00e9.txt"),  # NFC: one code point for é
    ],
)
def test_display_names_keep_the_name_and_drop_what_could_mislead(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = display_name("合" * 500 + ".pdf")
    assert len(name) == MAX_NAME and name.endswith("合.pdf")


def test_the_extension_follows_the_content() -> None:
    assert with_extension("scan.png", (".pdf",)) == "scan.png.pdf"
    assert with_extension("photo.JPG", (".jpg", ".jpeg")) == "photo.JPG"
    assert with_extension("说明", (".txt",)) == "说明.txt"


def _parsed(header: str) -> Message:
    msg = Message()
    msg["Content-Disposition"] = header
    return msg


@pytest.mark.parametrize(
    ("name", "ascii_fallback"),
    [
        ("技术转让合同.pdf", "document.pdf"),
        ("合同 v2 (final).docx", "v2 (final).docx"),
        ('say "hi"\\.txt', "say _hi__.txt"),
        ("Café menu.pdf", "Cafe menu.pdf"),
        ("plain-report_2026.xlsx", "plain-report_2026.xlsx"),
    ],
)
def test_content_disposition_round_trips_any_name(name: str, ascii_fallback: str) -> None:
    header = content_disposition(name)
    assert header.startswith(f'attachment; filename="{ascii_fallback}"')
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert _parsed(header).get_filename() == ascii_fallback  # what an ASCII-only client shows
    if ascii_fallback != name:
        # filename* alone, read by the standard library's RFC 2231/5987 decoder, gives the exact name.
        extended = header.split("; ", 2)[2]
        assert extended.startswith("filename*=UTF-8''") and " " not in extended and '"' not in extended
        assert _parsed(f"attachment; {extended}").get_filename() == name
