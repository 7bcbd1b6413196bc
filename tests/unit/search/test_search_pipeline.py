"""The shared hybrid pipeline (search/pipeline.py) over a third, list-backed backend: what a new backend
gets from supplying the primitives alone. The real backends are proved in test_search_backends.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pytest

from innobridge.search.analysis import Analyzer
from innobridge.search.fusion import FusionConfig
from innobridge.search.lexical import StoredDoc
from innobridge.search.pipeline import Candidate, HybridSearch, LexicalCandidates, Plan, Scored
from innobridge.search.translation import AnalysedTranslation, QueryTranslator
from innobridge.search.types import Document, Query

Vector = npt.NDArray[np.float32]


class AxisEncoder:
    """Passages with "north" in the title point north, with "south" south, the others east; every query
    points north-east (0.6, 0.8): north scores 0.8, east 0.6, south -0.8."""

    name = "axis"
    dim = 2

    def encode_passages(self, texts: list[str]) -> Vector:
        vecs = [[0.0, 1.0] if "north" in t else [0.0, -1.0] if "south" in t else [1.0, 0.0] for t in texts]
        return np.array(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> Vector:
        return np.array([[0.6, 0.8] for _ in texts], dtype=np.float32)


@dataclass
class _ListPlan(Plan):
    kinds: tuple[str, ...] = ()
    calls: list[str] = field(default_factory=list)


class ListBackend(HybridSearch[_ListPlan]):
    """Scans a list: lexical score = query terms in the title; listing pages itself when `pages`."""

    def __init__(
        self, docs: list[Document], *, candidates: int = 100, pages: bool = False, unbuilt: Sequence[str] = ()
    ) -> None:
        self.analyzer = Analyzer()
        self.encoder = AxisEncoder()
        self.fusion = FusionConfig(adaptive=False)
        self.candidates = candidates
        self.centring = 0.0
        self.translator = QueryTranslator(False)
        self.docs = {d.id: d for d in docs}
        vectors = zip(self.docs, self.encoder.encode_passages([d.title for d in docs]), strict=True)
        self.vectors = {i: v for i, v in vectors if i not in unbuilt}
        self.pages = pages
        self.dense_score_requests: list[list[str]] = []

    def _allowed(self, plan: _ListPlan) -> list[Document]:
        return [d for d in self.docs.values() if not plan.kinds or d.kind in plan.kinds]

    def plan(self, query: Query, terms: list[str], translations: list[AnalysedTranslation]) -> _ListPlan:
        return _ListPlan(query, terms, translations, list(terms), kinds=query.kinds)

    def has_vectors(self) -> bool:
        return True

    def centroid(self) -> Vector | None:
        return None

    def lexical_top(self, plan: _ListPlan, depth: int, offset: int, limit: int) -> LexicalCandidates:
        if not plan.has_text and self.pages:
            page = self._allowed(plan)[offset : offset + limit]
            return LexicalCandidates([Scored(d.id, 0.0) for d in page], len(self._allowed(plan)), paged=True)
        scored = [
            (sum(t in self.analyzer.tokens(d.title) for t in plan.terms), d.id) for d in self._allowed(plan)
        ]
        matches = sorted(
            ((s, i) for s, i in scored if s > 0 or not plan.has_text), key=lambda x: (-x[0], x[1])
        )
        return LexicalCandidates([Scored(i, float(s)) for s, i in matches[:depth]], len(matches))

    def dense_top(self, plan: _ListPlan, qvec: Vector, k: int) -> list[Scored]:
        scored = [
            Scored(d.id, float(self.vectors[d.id] @ qvec))
            for d in self._allowed(plan)
            if d.id in self.vectors
        ]
        return sorted(scored, key=lambda s: (-s.score, s.id))[:k]

    def dense_scores(self, qvec: Vector, ids: Sequence[str]) -> dict[str, float]:
        self.dense_score_requests.append(list(ids))
        return {i: float(self.vectors[i] @ qvec) for i in ids if i in self.vectors}

    def dense_total(self, plan: _ListPlan) -> int:
        return len(self._allowed(plan))

    def coverage(self, plan: _ListPlan, lexical: LexicalCandidates) -> float:
        return 1.0

    def stored(self, page: Sequence[Candidate], lexical: LexicalCandidates) -> dict[str, StoredDoc]:
        out = {}
        for c in page:
            doc = self.docs[c.id]
            out[c.id] = StoredDoc(doc, {"title": self.analyzer.tokens(doc.title), "keywords": [], "text": []})
        return out

    def facets(self, plan: _ListPlan, use_lexical: bool, names: Sequence[str]) -> dict[str, dict[str, int]]:
        return {"kind": {"use_lexical" if use_lexical else "filtered": 1}}


DOCS = [
    Document(id="a", kind="paper", title="battery north"),
    Document(id="b", kind="paper", title="battery recycling"),
    Document(id="c", kind="need", title="north star"),
    Document(id="d", kind="need", title="solar cell"),
    Document(id="e", kind="paper", title="battery south"),
]


def test_lexical_candidates_outside_the_dense_top_get_their_dense_scores() -> None:
    # dense top 2: the north passages (0.8). The lexical top 2, b and e, lie outside it; b's own 0.6
    # scales to (0.6 + 0.8) / 1.6 = 0.875 — scored 0 instead, b would fall behind them (0.4 < 0.6).
    docs = [
        Document(id="n1", kind="paper", title="north one"),
        Document(id="n2", kind="paper", title="north two"),
        Document(id="b", kind="paper", title="battery recycling"),
        Document(id="e", kind="paper", title="battery south"),
    ]
    backend = ListBackend(docs, candidates=2)
    hits = backend.search(Query(text="battery recycling", explain=True, limit=2)).hits
    assert [h.id for h in hits] == ["b", "n1"]
    b = hits[0].explanation
    assert b is not None and (b.lexical_rank, b.dense_rank) == (1, None)
    assert b.dense_score == pytest.approx(0.6)
    assert hits[0].score == pytest.approx(0.4 + 0.6 * 0.875)


def test_pages_cut_the_fused_ranking_and_totals_follow_the_mode() -> None:
    backend = ListBackend(DOCS)
    full = [h.id for h in backend.search(Query(text="battery north", limit=5)).hits]
    page = backend.search(Query(text="battery north", limit=2, offset=1))
    assert [h.id for h in page.hits] == full[1:3]
    assert page.total == 5  # hybrid: at least the fused candidates (every document has a vector)
    assert backend.search(Query(text="battery north", mode="lexical")).total == 4
    assert backend.search(Query(text="battery", mode="dense", kinds=("need",))).total == 2


def test_a_backend_that_pages_its_listing_is_not_paged_twice() -> None:
    for backend in (ListBackend(DOCS), ListBackend(DOCS, pages=True)):
        result = backend.search(Query(text="", limit=2, offset=1, facets=("kind",)))
        assert [h.id for h in result.hits] == ["b", "c"]
        assert result.total == 5
        assert result.facets == {"kind": {"use_lexical": 1}}


def test_a_hit_without_a_vector_keeps_no_dense_score() -> None:
    backend = ListBackend(DOCS, unbuilt=["b"])
    hits = backend.search(Query(text="battery recycling", explain=True)).hits
    b = next(h for h in hits if h.id == "b")
    assert b.explanation is not None and b.explanation.dense_score is None
    assert b.explanation.lexical_rank == 1
    assert backend.dense_score_requests[-1] == ["b"]  # explain asks once more, for the page's missing ones
