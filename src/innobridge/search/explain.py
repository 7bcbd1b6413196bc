"""Explanations and highlights: which query terms a hit matched, in which fields, which codes it shares
with the query's filters, and snippets with <mark>…</mark> (everything else HTML-escaped)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache

from innobridge.search.analysis import Analyzer, normalise
from innobridge.search.types import TEXT_FIELDS, Document, Explanation, FilterValue, Hit, Query

_LATIN_WORD = re.compile(r"[0-9a-z\u00c0-\u024f]+(?:[._+\-'][0-9a-z]+)*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def matched_terms(query_terms: Sequence[str], tokens: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(query terms present in the document in query order, fields that contain any of them)."""
    fields = []
    present: set[str] = set()
    for field, toks in tokens.items():
        hit = set(query_terms) & set(toks)
        if hit:
            fields.append(field)
            present |= hit
    terms = list(dict.fromkeys(t for t in query_terms if t in present))
    return terms, fields


def matched_codes(doc: Document, filters: dict[str, FilterValue]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in filters.items():
        if isinstance(value, tuple):
            continue
        shared = [v for v in doc.codes.get(name, []) if v in value]
        if shared:
            out[name] = shared
    return out


@lru_cache(maxsize=65_536)
def _normalise_char(c: str) -> str:
    # highlighting normalises every character of every hit's fields: remembered, it costs a dict lookup
    # instead of NFKC + OpenCC per character (measured: a third of a search request's time)
    return normalise(c)


def _spans(text: str, terms: Sequence[str], analyzer: Analyzer) -> list[tuple[int, int]]:
    """Character spans of `text` whose normalised form matches a term (Chinese: substring; Latin: stem)."""
    if not text or not terms:
        return []
    # normalise character by character so that offsets map back to the original text
    chars = [_normalise_char(c) for c in text]
    if any(len(c) != 1 for c in chars):
        norm, index = "", []
        for i, c in enumerate(chars):
            norm += c
            index += [i] * len(c)
    else:
        norm, index = "".join(chars), list(range(len(text)))
    index.append(len(text))
    spans: list[tuple[int, int]] = []
    cjk_terms = [t for t in terms if _CJK.search(t)]
    latin_terms = {t for t in terms if not _CJK.search(t)}
    for term in sorted(cjk_terms, key=len, reverse=True):
        start = norm.find(term)
        while start >= 0:
            spans.append((index[start], index[start + len(term)]))
            start = norm.find(term, start + len(term))
    if latin_terms:
        for m in _LATIN_WORD.finditer(norm):
            toks = analyzer.tokens(m.group(0), stop=False)
            if toks and toks[0] in latin_terms:
                spans.append((index[m.start()], index[m.end()]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str, terms: Sequence[str], analyzer: Analyzer, *, window: int | None = None) -> str:
    """`text` HTML-escaped with matches in <mark>; with `window`, a snippet of about that many characters
    around the first match ("…" marks cuts). Empty string when nothing matches."""
    spans = _spans(text, terms, analyzer)
    if not spans:
        return ""
    start, end = 0, len(text)
    if window is not None and len(text) > window:
        first = spans[0][0]
        start = max(0, first - window // 4)
        end = min(len(text), start + window)
        spans = [(max(s, start), min(e, end)) for s, e in spans if e > start and s < end]
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    out.append("…" if end < len(text) else "")
    return "".join(out)


def make_hit(
    doc: Document,
    tokens: dict[str, list[str]],
    terms: Sequence[str],
    query: Query,
    analyzer: Analyzer,
    *,
    fused: float,
    lexical: tuple[float | None, int | None],
    dense: tuple[float | None, int | None],
) -> Hit:
    """One result as every backend returns it: explanation when query.explain, highlights when
    query.explain or query.highlight. `lexical` and `dense` are (score, rank), None where absent."""
    want_highlights = query.explain or query.highlight
    matched, fields = matched_terms(terms, tokens) if want_highlights else ([], [])
    explanation = None
    if query.explain:
        explanation = Explanation(
            matched_terms=tuple(matched),
            matched_fields=tuple(f for f in TEXT_FIELDS if f in fields),
            matched_codes=matched_codes(doc, query.filters),
            lexical_score=lexical[0],
            lexical_rank=lexical[1],
            dense_score=dense[0],
            dense_rank=dense[1],
            fused_score=fused,
        )
    highlights: dict[str, str] = {}
    if want_highlights and matched:
        sources = {"title": doc.title, "keywords": "; ".join(doc.keywords), "text": doc.text}
        for field in TEXT_FIELDS:
            snippet = highlight(sources[field], matched, analyzer, window=None if field == "title" else 160)
            if snippet:
                highlights[field] = snippet
    return Hit(id=doc.id, kind=doc.kind, score=fused, explanation=explanation, highlights=highlights)
