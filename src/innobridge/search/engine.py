"""SearchEngine: the one entry point of the engine (see docs/search-engine.md)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from innobridge.search import explain as explain_mod
from innobridge.search.analysis import Analyzer, add_words
from innobridge.search.dense import DEFAULT_CENTRING, DenseIndex, Progress, centred
from innobridge.search.encoders import passage_text
from innobridge.search.fusion import FusionConfig, fuse
from innobridge.search.lexical import DEFAULT_WEIGHTS, LexicalHit, LexicalIndex, StoredDoc
from innobridge.search.translation import (
    AnalysedTranslation,
    QueryTranslator,
    TermDictionary,
    coverage_units,
)
from innobridge.search.types import Document, Encoder, Hit, Query, SearchResult

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
_worker_analyzer: Analyzer | None = None


def _analyse_one(doc: Document) -> dict[str, str]:
    """Analysis in a worker process (forked: it inherits the parent's domain words)."""
    global _worker_analyzer
    if _worker_analyzer is None:
        _worker_analyzer = Analyzer()
    return _worker_analyzer.fields(doc)


@dataclass
class _Candidate:
    id: str
    fused: float
    lexical_score: float | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    dense_rank: int | None = None
    address: Any = None


class SearchEngine:
    """Lexical (tantivy BM25) + dense (encoder vectors) search over `Document`s, with filters, facets,
    fusion and explanations. Everything lives under `directory` (None: in memory)."""

    def __init__(
        self,
        directory: Path | None,
        *,
        encoder: Encoder | None = None,
        user_words: Iterable[str] = (),
        fusion: FusionConfig | None = None,
        field_weights: dict[str, float] | None = None,
        candidates: int = 100,
        writer_heap_bytes: int = 128_000_000,
        writer_threads: int = 1,
        translate: bool = True,
        dictionary: TermDictionary | None = None,
        centring: float = DEFAULT_CENTRING,
    ) -> None:
        self.directory = directory
        self.centring = centring
        # English queries are also searched through their Chinese renderings (search/translation.py)
        self.translator = QueryTranslator(translate, dictionary)
        self.encoder = encoder
        self.analyzer = Analyzer(user_words)
        self.fusion = fusion or FusionConfig()
        self.field_weights = dict(field_weights or DEFAULT_WEIGHTS)
        self.candidates = candidates
        self.lexical = LexicalIndex(
            directory / "lexical" if directory else None, heap_bytes=writer_heap_bytes, threads=writer_threads
        )
        self.dense = DenseIndex(
            directory / "dense" if directory else None,
            encoder.dim if encoder else None,
            encoder.name if encoder else None,
        )
        self._write_lock = threading.RLock()
        self._build_lock = threading.Lock()
        self._query_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="innobridge-query")

    # --- writes ---------------------------------------------------------------------------------
    def analyse(self, doc: Document) -> dict[str, str]:
        return self.analyzer.fields(doc)

    def upsert(self, docs: Sequence[Document], *, commit: bool = True) -> None:
        """Add or replace documents; they are searchable lexically when this returns (with commit=True)."""
        if not docs:
            return
        latest = {d.id: d for d in docs}  # the last version of a repeated id wins
        with self._write_lock:
            add_words(k for d in latest.values() for k in d.keywords)
            analysed = [(d, self.analyse(d)) for d in latest.values()]
            self.lexical.upsert(analysed, commit=commit)
            self.dense.upsert([(d.id, passage_text(d)) for d in latest.values()])

    def bulk_upsert(
        self,
        docs: Iterable[Document],
        *,
        workers: int = 2,
        batch_size: int = 2000,
        progress: Progress | None = None,
    ) -> int:
        """Index a large stream of documents: analysis runs in `workers` processes while tantivy indexes
        the previous batch; one commit at the end. Returns how many documents were indexed."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        done = 0
        pending: Any = None
        ctx = multiprocessing.get_context("fork")
        with self._write_lock, ProcessPoolExecutor(max_workers=max(1, workers), mp_context=ctx) as pool:

            def flush(result: Any) -> None:
                nonlocal done
                chunk, analysed = result
                self.lexical.upsert(list(zip(chunk, analysed, strict=True)), commit=False)
                self.dense.upsert([(d.id, passage_text(d)) for d in chunk])
                done += len(chunk)
                if progress is not None:
                    progress(done, 0)

            chunk: list[Document] = []
            for doc in docs:
                chunk.append(doc)
                if len(chunk) >= batch_size:
                    add_words(k for d in chunk for k in d.keywords)
                    future = (
                        chunk,
                        pool.map(_analyse_one, chunk, chunksize=max(1, batch_size // (4 * workers))),
                    )
                    if pending is not None:
                        flush((pending[0], list(pending[1])))
                    pending, chunk = future, []
            if chunk:
                add_words(k for d in chunk for k in d.keywords)
                future = (chunk, pool.map(_analyse_one, chunk, chunksize=max(1, len(chunk) // (4 * workers))))
                if pending is not None:
                    flush((pending[0], list(pending[1])))
                pending = future
            if pending is not None:
                flush((pending[0], list(pending[1])))
            self.lexical.commit()
        return done

    def commit(self) -> None:
        with self._write_lock:
            self.lexical.commit()

    def delete(self, ids: Sequence[str]) -> None:
        with self._write_lock:
            self.lexical.delete(ids)
            self.dense.delete(ids)

    def clear(self) -> None:
        with self._write_lock:
            self.lexical.clear()
            self.dense.clear()

    def close(self) -> None:
        with self._write_lock:
            self.lexical.close()
            self.dense.close()
            self._query_pool.shutdown(wait=False)

    def count(self) -> int:
        return self.lexical.count()

    def pending_vectors(self) -> int:
        """Documents whose vectors are not built yet (0 without an encoder: none will be built)."""
        if self.encoder is None:
            return 0
        return self.dense.pending()

    def build_vectors(self, *, batch_size: int = 32, progress: Progress | None = None) -> int:
        """Encode pending documents (cached by content hash; resumable). Returns how many were processed."""
        if self.encoder is None:
            return 0
        with self._build_lock:
            return self.dense.build(self.encoder, batch_size=batch_size, progress=progress)

    def build_vectors_in_background(
        self, *, batch_size: int = 32, progress: Progress | None = None
    ) -> threading.Thread:
        """Start build_vectors on a daemon thread; search keeps working (lexically for pending documents)."""
        thread = threading.Thread(
            target=self.build_vectors,
            kwargs={"batch_size": batch_size, "progress": progress},
            name="innobridge-vectors",
            daemon=True,
        )
        thread.start()
        return thread

    # --- search ---------------------------------------------------------------------------------
    def encode_query(self, text: str) -> npt.NDArray[np.float32] | None:
        if self.encoder is None or not text.strip():
            return None
        vec: npt.NDArray[np.float32] = self.encoder.encode_queries([text])[0]
        return vec

    def search(self, query: Query) -> SearchResult:
        if query.limit < 0 or query.offset < 0:
            raise ValueError("limit and offset must not be negative")
        limit = min(query.limit, MAX_LIMIT)
        need = query.offset + limit
        terms = self.analyzer.tokens(query.text)
        filter_qs = self.lexical.filter_queries(query.kinds, query.filters)
        has_text = bool(query.text.strip())
        use_dense = (
            query.mode in ("dense", "hybrid")
            and has_text
            and self.encoder is not None
            and self.dense.vector_count() > 0
        )
        use_lexical = query.mode in ("lexical", "hybrid") or not use_dense

        translations = self.translations(query.text) if has_text else []
        alternatives = [tr.tokens for tr in translations]
        text_q = self.lexical.text_query(terms, self.field_weights, alternatives) if has_text else None
        lex_query = self.lexical.combined(text_q, filter_qs) if (text_q is not None or not has_text) else None

        # The query is encoded on a worker thread while the lexical search runs: the encoder's C code
        # and tantivy both release the GIL, so the lexical part costs almost nothing in hybrid mode.
        encoding = self._query_pool.submit(self.encode_query, query.text) if use_dense else None
        lex_hits: list[LexicalHit] = []
        lex_total = 0
        searcher: Any = None
        if use_lexical and lex_query is not None:
            depth = max(need, self.candidates) if use_dense else need
            lex_hits, lex_total, searcher = self.lexical.search(lex_query, depth)

        dense_hits: list[tuple[str, float]] = []
        qvec = None
        if encoding is not None:
            encoded = encoding.result()
            assert encoded is not None  # noqa: S101 (use_dense implies an encoder and text)
            qvec = self.dense_query(encoded)
            dense_hits = self._dense_candidates(qvec, max(need, self.candidates), filter_qs)

        cands: dict[str, _Candidate] = {}
        dense_scores = dict(dense_hits)
        if use_dense and use_lexical:
            coverage = 1.0
            if self.fusion.adaptive:
                coverage = self.lexical_coverage(terms, lex_hits, searcher, translations)
            # the lexical candidates' own dense scores too, not 0 for "not in the dense top k": a record
            # that both rankings like must not lose to a dense-only one (fusion.json: zh-large +0.03)
            assert qvec is not None  # noqa: S101 (use_dense implies a query vector)
            missing = [h.id for h in lex_hits if h.id not in dense_scores]
            dense_scores.update(self.dense.scores_for(qvec, missing))
            lexical = [(h.id, h.score) for h in lex_hits]
            fused = fuse(lexical, list(dense_scores.items()), self.fusion, coverage=coverage)
        elif use_dense:
            fused = list(dense_hits)
        else:
            fused = [(h.id, h.score) for h in lex_hits]
        for doc_id, score in fused:
            cands[doc_id] = _Candidate(id=doc_id, fused=score)
        for rank, h in enumerate(lex_hits, start=1):
            c = cands[h.id]
            c.lexical_score, c.lexical_rank, c.address = h.score, rank, h.address
        for rank, (doc_id, _) in enumerate(dense_hits, start=1):
            cands[doc_id].dense_rank = rank
        for doc_id, score in dense_scores.items():
            cands[doc_id].dense_score = score

        if use_dense and not use_lexical:
            total = self.lexical.count_matching(filter_qs) if filter_qs else self.dense.vector_count()
        else:
            total = max(lex_total, len(fused)) if use_dense else lex_total

        page = [cands[doc_id] for doc_id, _ in fused[query.offset : need]]
        matchable = terms + [t for tokens in alternatives for t in tokens]
        hits = self._hits(page, matchable, query, searcher, qvec)
        facets: dict[str, dict[str, int]] = {}
        if query.facets:
            facet_query = (
                lex_query
                if (use_lexical and lex_query is not None)
                else self.lexical.combined(None, filter_qs)
            )
            facets = self.lexical.facets(facet_query, query.facets)
        return SearchResult(hits=hits, total=total, facets=facets)

    def add_terms(self, pairs: Iterable[tuple[str, str]]) -> int:
        return self.translator.add_terms(pairs)

    def translations(self, text: str) -> list[AnalysedTranslation]:
        """The analysed translations of an English query's phrases ([] for Chinese text), keeping only
        renderings with a word in the index (the others would only add clauses to the query)."""
        found = self.translator.translations(text, self.analyzer)
        present = self.lexical.present(t for tr in found for tokens in tr.renderings for t in tokens)
        out = []
        for tr in found:
            kept = [tokens for tokens in tr.renderings if present.intersection(tokens)]
            if kept:
                out.append(AnalysedTranslation(tr.source, kept))
        return out

    def dense_query(self, encoded: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """The vector documents are scored against: the query minus `centring` × the index's mean
        vector, so that a document's score is its similarity to the query less part of its similarity
        to the average document. Hubs (short titles close to everything) then stop topping every list."""
        return centred(encoded, self.dense.centroid() if self.centring else None, self.centring)

    def lexical_coverage(
        self,
        terms: Sequence[str],
        hits: Sequence[LexicalHit],
        searcher: Any,
        translations: Sequence[AnalysedTranslation] = (),
    ) -> float:
        """Share of the query's idf mass that the best lexical hit contains (0 when nothing matched).
        Low for a query in another language than the documents: then the lexical ranking is noise.
        A translated phrase and its renderings count as one term: present when any of them is, weighted
        by the largest idf among those that occur in the index."""
        if not hits or not terms or searcher is None:
            return 0.0
        units = coverage_units(terms, translations)
        idf = self.lexical.idf(searcher, set().union(*units))
        unknown = self.lexical.idf_of_unknown(searcher)
        best = self.lexical.stored(searcher, hits[0].address)
        present = set().union(*(set(t) for t in best.tokens.values()))
        total = found = 0.0
        for unit in units:
            known = [idf[t] for t in unit if idf[t] < unknown]
            weight = max(known) if known else unknown
            total += weight
            if unit & present:
                found += weight
        return found / total if total > 0 else 0.0

    def _dense_candidates(
        self, qvec: npt.NDArray[np.float32], k: int, filter_qs: Sequence[Any]
    ) -> list[tuple[str, float]]:
        if not filter_qs:
            return self.dense.search(qvec, k)
        n = self.dense.vector_count()
        depth = min(n, max(k * 10, 1000))
        while True:
            ranked = self.dense.search(qvec, depth)
            allowed = self.lexical.ids_matching([d for d, _ in ranked], filter_qs)
            kept = [(d, s) for d, s in ranked if d in allowed]
            if len(kept) >= k or depth >= n:
                return kept[:k]
            depth = min(n, depth * 4)

    def _hits(
        self,
        page: list[_Candidate],
        terms: list[str],
        query: Query,
        searcher: Any,
        qvec: npt.NDArray[np.float32] | None,
    ) -> list[Hit]:
        hits: list[Hit] = []
        by_id = self.lexical.stored_many([c.id for c in page if c.address is None or searcher is None])
        extra: dict[str, float] = {}
        if query.explain and qvec is not None:
            extra = self.dense.scores_for(qvec, [c.id for c in page if c.dense_score is None])
        for c in page:
            stored: StoredDoc | None
            if c.address is not None and searcher is not None:
                stored = self.lexical.stored(searcher, c.address)
            else:
                stored = by_id.get(c.id)
            if stored is None:  # deleted between the two reads
                continue
            dense_score = c.dense_score if c.dense_score is not None else extra.get(c.id)
            hits.append(
                explain_mod.make_hit(
                    stored.document,
                    stored.tokens,
                    terms,
                    query,
                    self.analyzer,
                    fused=c.fused,
                    lexical=(c.lexical_score, c.lexical_rank),
                    dense=(dense_score, c.dense_rank),
                )
            )
        return hits
