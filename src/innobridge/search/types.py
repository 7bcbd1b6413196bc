"""The engine's public vocabulary. The rest of InnoBridge talks to the engine only in these types.

Pure data: no database, no web. See docs/search-engine.md for the contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

Mode = Literal["lexical", "dense", "hybrid"]
TEXT_FIELDS = ("title", "keywords", "text")  # a Document's analysed fields, in their order of weight
# Filter values: a keyword field matches any listed value; an int range is (low, high), inclusive.
FilterValue = list[str] | tuple[int | None, int | None]


@dataclass(frozen=True)
class Document:
    """One record as the engine sees it.

    id: globally unique, "<kind>:<database id>", e.g. "achievement:42".
    kind: "achievement", "person", "organisation", "instrument", "need", "project", "dataset".
    title / text / keywords: free text in Chinese, English or both.
    keywords: short phrases; also fed to the analyser's domain dictionary.
    codes: keyword facets, e.g. {"discipline": ["520"], "ipc": ["G06N"], "industry": ["C39"],
           "region": ["310104"], "visibility": ["public"], "org": ["17"]}.
    numbers: integer facets, e.g. {"year": 2024, "trl": 6}.
    """

    id: str
    kind: str
    title: str
    text: str = ""
    keywords: tuple[str, ...] = ()
    codes: dict[str, list[str]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)


def document_source(doc: Document) -> dict[str, Any]:
    """The JSON-able record a backend stores beside its index (explanations and highlights read it)."""
    return {
        "kind": doc.kind,
        "title": doc.title,
        "text": doc.text,
        "keywords": list(doc.keywords),
        "codes": doc.codes,
        "numbers": doc.numbers,
    }


def document_from_source(doc_id: str, src: Mapping[str, Any]) -> Document:
    return Document(
        id=doc_id,
        kind=str(src["kind"]),
        title=str(src["title"]),
        text=str(src["text"]),
        keywords=tuple(src["keywords"]),
        codes={k: list(v) for k, v in src["codes"].items()},
        numbers={k: int(v) for k, v in src["numbers"].items()},
    )


@dataclass(frozen=True)
class Query:
    text: str
    kinds: tuple[str, ...] = ()  # empty: all kinds
    filters: dict[str, FilterValue] = field(default_factory=dict)  # keys of Document.codes / .numbers
    limit: int = 10
    offset: int = 0
    mode: Mode = "hybrid"
    explain: bool = False
    facets: tuple[str, ...] = ()  # code/number fields to count over all matches (plus "kind")
    highlight: bool = False  # fill Hit.highlights (also done when explain is set)


@dataclass(frozen=True)
class Explanation:
    matched_terms: tuple[str, ...]  # query terms found in the document
    matched_fields: tuple[str, ...]  # "title", "keywords", "text"
    matched_codes: dict[str, list[str]]  # codes shared with the query filters/codes
    lexical_score: float | None
    lexical_rank: int | None
    dense_score: float | None  # cosine similarity
    dense_rank: int | None
    fused_score: float


@dataclass(frozen=True)
class Hit:
    id: str
    kind: str
    score: float
    explanation: Explanation | None = None
    highlights: dict[str, str] = field(default_factory=dict)  # field -> snippet with <mark>…</mark>


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int  # number of matching documents (lexical matches, or all filtered docs for dense-only)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class Encoder(Protocol):
    """Turns text into L2-normalised vectors. Queries and passages may be encoded differently (e5)."""

    name: str  # identifies model + version; part of the embedding-cache key
    dim: int

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]: ...

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]: ...
