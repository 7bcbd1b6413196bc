"""The hybrid search pipeline, written once for every backend (docs/search-engine.md, "One pipeline").

Whichever index answers, a query takes the same steps: analysis and translation of its text, the lexical
candidates, the dense candidates scored against the centred query vector, the lexical candidates' own
dense scores, fusion with the coverage gate, the total, the page, explanations and highlights
(explain.make_hit), facets. `HybridSearch.search` runs them; a backend (`SearchEngine`: tantivy + a
vector matrix, `MilvusBackend`: one Milvus collection) subclasses it and supplies only the primitives that
touch its index: how a query becomes its lexical query and filters (`plan`), lexical top k, dense top k,
dense scores of given ids, the dense-only total, the coverage of the best lexical hit, the stored records
of a page, and facet counts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from innobridge.search.analysis import Analyzer
from innobridge.search.dense import centred
from innobridge.search.explain import make_hit
from innobridge.search.fusion import FusionConfig, fuse
from innobridge.search.lexical import StoredDoc
from innobridge.search.translation import AnalysedTranslation, QueryTranslator
from innobridge.search.types import Encoder, Hit, Query, SearchResult

MAX_LIMIT = 1000  # the largest page a search returns
Vector = npt.NDArray[np.float32]


@dataclass
class Plan:
    """What a backend made of one query. Backends extend it with their lexical query and filters."""

    query: Query
    terms: list[str]  # the analysed query terms
    translations: list[AnalysedTranslation]  # English phrases' Chinese renderings, as the index sees them
    matchable: list[str]  # the terms explanations and highlights look for (query terms + renderings used)

    @property
    def has_text(self) -> bool:
        return bool(self.query.text.strip())


class Scored(NamedTuple):
    """One candidate from one ranking, best first in its list (a tuple: a hundred are made per query, and
    a frozen dataclass costs about 1 µs each to build)."""

    id: str
    score: float
    ref: Any = None  # the backend's handle on the stored record (a tantivy address, a Milvus row)


@dataclass
class LexicalCandidates:
    hits: list[Scored]
    total: int  # how many documents match the lexical query (and the filters)
    paged: bool = False  # the backend applied query.offset itself: `hits` start at the page
    context: Any = None  # what coverage and stored records read afterwards (the tantivy searcher)


@dataclass
class Candidate:
    id: str
    fused: float
    lexical_score: float | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    dense_rank: int | None = None
    ref: Any = None


P = TypeVar("P", bound=Plan)


class HybridSearch(ABC, Generic[P]):
    """`search` over a backend's primitives. Subclasses set the attributes below in their __init__."""

    analyzer: Analyzer
    encoder: Encoder | None
    fusion: FusionConfig
    candidates: int  # candidates per ranking fed to the fusion
    centring: float  # share of the mean document vector taken off the query vector
    translator: QueryTranslator

    # --- primitives: what each backend supplies ---------------------------------------------------
    @abstractmethod
    def plan(self, query: Query, terms: list[str], translations: list[AnalysedTranslation]) -> P:
        """The backend's lexical query and filters for `query`; raises ValueError for a bad name."""

    @abstractmethod
    def has_vectors(self) -> bool:
        """Whether any document has a vector of this backend's encoder (False without an encoder)."""

    @abstractmethod
    def centroid(self) -> Vector | None:
        """The mean document vector (None when there is none)."""

    @abstractmethod
    def lexical_top(self, plan: P, depth: int, offset: int, limit: int) -> LexicalCandidates:
        """The best `depth` lexical matches that pass the filters. Without query text, every filtered
        document with score 0: a backend that can page may return just [offset, offset + limit)."""

    @abstractmethod
    def dense_top(self, plan: P, qvec: Vector, k: int) -> list[Scored]:
        """The `k` documents that pass the filters with the largest inner product with `qvec`."""

    @abstractmethod
    def dense_scores(self, qvec: Vector, ids: Sequence[str]) -> dict[str, float]:
        """The inner product with `qvec` of each of `ids` that has a vector."""

    @abstractmethod
    def dense_total(self, plan: P) -> int:
        """The total of a dense-only search: the documents that pass the filters."""

    @abstractmethod
    def coverage(self, plan: P, lexical: LexicalCandidates) -> float:
        """The fusion gate's input: share of the query found in the best lexical hit (0 without one)."""

    @abstractmethod
    def stored(self, page: Sequence[Candidate], lexical: LexicalCandidates) -> dict[str, StoredDoc]:
        """The stored records of the page's candidates (ids deleted meanwhile are left out)."""

    @abstractmethod
    def facets(self, plan: P, use_lexical: bool, names: Sequence[str]) -> dict[str, dict[str, int]]:
        """Counts per value over the lexical matches (or, with use_lexical False, the filtered set)."""

    def start_encoding(self, text: str) -> Callable[[], Vector | None]:
        """Begin encoding the query; the result is read after the lexical search. Here: on demand."""
        return lambda: self.encode_query(text)

    # --- shared ---------------------------------------------------------------------------------
    def add_terms(self, pairs: Iterable[tuple[str, str]]) -> int:
        return self.translator.add_terms(pairs)

    def translations(self, text: str) -> list[AnalysedTranslation]:
        """The analysed translations of an English query's phrases ([] for Chinese text)."""
        return self.translator.translations(text, self.analyzer)

    def encode_query(self, text: str) -> Vector | None:
        if self.encoder is None or not text.strip():
            return None
        vec: Vector = self.encoder.encode_queries([text])[0]
        return vec

    def dense_query(self, encoded: Vector) -> Vector:
        """The vector documents are scored against: the query minus `centring` × the mean document
        vector, so that a document's score is its similarity to the query less part of its similarity
        to the average document. Hubs (short titles close to everything) then stop topping every list."""
        return centred(encoded, self.centroid() if self.centring else None, self.centring)

    def search(self, query: Query) -> SearchResult:
        if query.limit < 0 or query.offset < 0:
            raise ValueError("limit and offset must not be negative")
        limit = min(query.limit, MAX_LIMIT)
        need = query.offset + limit
        has_text = bool(query.text.strip())
        terms = self.analyzer.tokens(query.text)
        plan = self.plan(query, terms, self.translations(query.text) if has_text else [])
        use_dense = query.mode in ("dense", "hybrid") and has_text and self.has_vectors()
        use_lexical = query.mode in ("lexical", "hybrid") or not use_dense

        encoding = self.start_encoding(query.text) if use_dense else None
        lexical = LexicalCandidates([], 0)
        if use_lexical:
            depth = max(need, self.candidates) if use_dense else need
            lexical = self.lexical_top(plan, depth, query.offset, limit)
        dense_hits: list[Scored] = []
        qvec: Vector | None = None
        if encoding is not None:
            encoded = encoding()
            if encoded is None:  # use_dense implies an encoder and text
                raise RuntimeError("no query vector")
            qvec = self.dense_query(encoded)
            dense_hits = self.dense_top(plan, qvec, max(need, self.candidates))

        dense_scores = {h.id: h.score for h in dense_hits}
        if qvec is not None and use_lexical:
            coverage = self.coverage(plan, lexical) if self.fusion.adaptive else 1.0
            # the lexical candidates' own dense scores too, not 0 for "not in the dense top k": a record
            # that both rankings like must not lose to a dense-only one (fusion.json: zh-large +0.03)
            missing = [h.id for h in lexical.hits if h.id not in dense_scores]
            dense_scores.update(self.dense_scores(qvec, missing))
            lex_pairs = [(h.id, h.score) for h in lexical.hits]
            fused = fuse(lex_pairs, list(dense_scores.items()), self.fusion, coverage=coverage)
        else:
            fused = [(h.id, h.score) for h in (dense_hits if use_dense else lexical.hits)]

        cands = {doc_id: Candidate(id=doc_id, fused=score) for doc_id, score in fused}
        for rank, h in enumerate(lexical.hits, start=1):
            c = cands[h.id]
            c.lexical_score, c.lexical_rank, c.ref = h.score, rank, h.ref
        for rank, h in enumerate(dense_hits, start=1):
            c = cands[h.id]
            c.dense_rank, c.ref = rank, c.ref if c.ref is not None else h.ref
        for doc_id, score in dense_scores.items():
            cands[doc_id].dense_score = score

        if use_dense and not use_lexical:
            total = self.dense_total(plan)
        else:
            total = max(lexical.total, len(fused)) if use_dense else lexical.total
        start = 0 if lexical.paged else query.offset
        page = [cands[doc_id] for doc_id, _ in fused[start : start + limit]]
        hits = self._hits(page, plan, lexical, qvec)
        facets = self.facets(plan, use_lexical, query.facets) if query.facets else {}
        return SearchResult(hits=hits, total=total, facets=facets)

    def _hits(
        self, page: list[Candidate], plan: P, lexical: LexicalCandidates, qvec: Vector | None
    ) -> list[Hit]:
        stored = self.stored(page, lexical)
        extra: dict[str, float] = {}
        if plan.query.explain and qvec is not None:  # the page's dense scores, in one batch
            extra = self.dense_scores(qvec, [c.id for c in page if c.dense_score is None])
        hits: list[Hit] = []
        for c in page:
            record = stored.get(c.id)
            if record is None:  # deleted between the two reads
                continue
            dense_score = c.dense_score if c.dense_score is not None else extra.get(c.id)
            hits.append(
                make_hit(
                    record.document,
                    record.tokens,
                    plan.matchable,
                    plan.query,
                    self.analyzer,
                    fused=c.fused,
                    lexical=(c.lexical_score, c.lexical_rank),
                    dense=(dense_score, c.dense_rank),
                )
            )
        return hits
