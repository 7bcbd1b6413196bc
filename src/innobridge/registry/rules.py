"""Pure rules of the registry: identifiers, name normalisation, natural keys. No database, no web."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# GB 32100-2015 unified social credit code: 18 chars from this alphabet, last one a check character.
_UCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_UCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
UCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

REGION_RE = re.compile(r"^\d{6}$")
DISCIPLINE_RE = re.compile(r"^\d{3}(\d{2}){0,2}$")  # GB/T 13745: 3, 5 or 7 digits, no dots
INDUSTRY_RE = re.compile(r"^[A-T](\d{2}|\d{3}|\d{4})?$")  # GB/T 4754: section letter + 2/3/4 digits
IPC_RE = re.compile(r"^[A-H](\d{2}([A-Z](\d{1,4}/\d{1,6})?)?)?$")  # A, A61, A61K, A61K31/00


def ucc_check_char(first17: str) -> str:
    total = sum(_UCC_ALPHABET.index(c) * w for c, w in zip(first17, _UCC_WEIGHTS, strict=True))
    return _UCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    return bool(UCC_RE.match(code)) and ucc_check_char(code[:17]) == code[17]


# Legal-form suffixes, dropped from the end of a name (repeatedly: "… 集团 有限公司", "GmbH & Co. KG").
_SUFFIXES = ("股份有限公司", "有限责任公司", "股份公司", "有限公司", "集团公司", "公司")
_EN_SUFFIXES = frozenset(
    {"co", "company", "ltd", "limited", "inc", "corp", "corporation", "gmbh", "kg", "llc", "plc"}
)
_PUNCT_RE = re.compile(r"[\s\.,，。、·\-_'\"“”‘’()（）\[\]【】&/]+")


@lru_cache(maxsize=1)
def _t2s() -> object | None:
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # pragma: no cover - depends on the platform's wheel
        return None


def to_simplified(text: str) -> str:
    conv = _t2s()
    return conv.convert(text) if conv is not None else text  # type: ignore[attr-defined]


def normalise_name(name: str) -> str:
    """Fold a name for comparison: width, case, traditional→simplified, punctuation, company suffixes."""
    s = to_simplified(unicodedata.normalize("NFKC", name).lower())
    # Punctuation becomes spaces first, so "Co.,Ltd", "Co., Ltd" and "Co Ltd" all end in words.
    words = _PUNCT_RE.sub(" ", s).split()
    while words:
        last = words[-1]
        if last in _EN_SUFFIXES and len(words) > 1:
            words.pop()
            continue
        suffix = next(
            (x for x in _SUFFIXES if last.endswith(x) and (len(last) > len(x) or len(words) > 1)), None
        )
        if suffix is None:
            break
        words[-1] = last[: -len(suffix)]
        if not words[-1]:
            words.pop()
    return "".join(words)


def split_list(value: object) -> list[str]:
    """Cells holding several values: 'a;b', 'a；b', 'a, b', 'a、b' or a JSON list."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = re.split(r"[;；,，、|\n]", str(value))
    out: list[str] = []
    for item in items:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def first_key(*candidates: tuple[str, object]) -> str | None:
    """The first non-empty candidate as 'prefix:value' (prefix names the identifier kind)."""
    for prefix, value in candidates:
        if value is not None and str(value).strip():
            return f"{prefix}:{str(value).strip()}"
    return None
