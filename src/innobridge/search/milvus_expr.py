"""Milvus expressions and rows for MilvusBackend: string literals, Query filters as a boolean expression,
tokens as the `lex` field stores them, a stored row back as a record, facet counts over rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from innobridge.search.lexical import StoredDoc, valid_name
from innobridge.search.types import TEXT_FIELDS, FilterValue, document_from_source

_BM25_SEPARATORS = str.maketrans({".": "_", "+": "_", "-": "_", "'": "_"})


def bm25_token(token: str) -> str:
    """A token as the `lex` field stores it. Our tokens are `\\w` runs joined by . + - ' (e.g. "co2-laser",
    "3.5"); with those mapped to "_" every token is one `\\w+` word, so Milvus's whitespace tokenizer and
    Milvus Lite's standard (regex `\\w+`, lower case) tokenizer both see exactly our tokens."""
    return token.translate(_BM25_SEPARATORS)


def literal(value: str) -> str:
    """A Milvus expression string literal: double-quoted, with backslash, quote and control escapes.
    User text reaches an expression only through this (Milvus Lite 3.2 has no filter templating)."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def literal_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def check_name(name: str, what: str) -> None:
    if not valid_name(name):
        raise ValueError(f"{what} name {name!r} must be an identifier ([a-z][a-z0-9_]*)")


def truncate_utf8(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    cut = data[:limit].decode(errors="ignore")
    return cut.rsplit(" ", 1)[0] if " " in cut else cut


def filter_expression(kinds: Sequence[str], filters: dict[str, FilterValue]) -> str:
    """Query.kinds and Query.filters as one Milvus boolean expression ("" = no constraint).
    Code filters match any listed value; integer ranges are inclusive, None leaves an end open."""
    parts: list[str] = []
    if kinds:
        parts.append(f"kind in {literal_list(kinds)}")
    for name, value in filters.items():
        check_name(name, "filter")
        if isinstance(value, tuple):
            low, high = value
            if low is not None:
                parts.append(f'nums["{name}"] >= {int(low)}')
            if high is not None:
                parts.append(f'nums["{name}"] <= {int(high)}')
        elif value:
            parts.append(f"array_contains_any(codes, {literal_list(f'{name}={v}' for v in value)})")
        else:
            parts.append('id == ""')  # an empty value list matches nothing (ids are never empty)
    return " and ".join(f"({p})" for p in parts)


def and_expr(*exprs: str) -> str:
    present = [e for e in exprs if e]
    if len(present) <= 1:
        return present[0] if present else ""
    return " and ".join(f"({e})" for e in present)


def stored_row(row: dict[str, Any]) -> StoredDoc:
    src = row["src"]
    tokens = {f: list(src["tokens"].get(f, [])) for f in TEXT_FIELDS}
    return StoredDoc(document=document_from_source(str(row["id"]), src), tokens=tokens)


def count_facets(rows: Iterable[dict[str, Any]], names: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts per value of "kind", codes and numbers over `rows`, the 200 largest per name."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in names}
    for row in rows:
        if "kind" in counts:
            counts["kind"][str(row["kind"])] += 1
        for code in row.get("codes") or []:
            name, _, value = str(code).partition("=")
            if name in counts and name != "kind":
                counts[name][value] += 1
        for name, value in (row.get("nums") or {}).items():
            if name in counts and name != "kind":
                counts[name][str(int(value))] += 1
    return {name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:200]) for name, c in counts.items()}
