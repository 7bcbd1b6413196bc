"""SearchEngine: the one entry point of the engine (see docs/search-engine.md)."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from innobridge.search.analysis import Analyzer, add_words
from innobridge.search.dense import DEFAULT_CENTRING, DenseIndex, Progress
from innobridge.search.encoders import passage_text
from innobridge.search.fusion import FusionConfig
from innobridge.search.lexical import DEFAULT_WEIGHTS, LexicalHit, LexicalIndex, StoredDoc
from innobridge.search.pipeline import Candidate, HybridSearch, LexicalCandidates, Plan, Scored
from innobridge.search.translation import (
    AnalysedTranslation,
    QueryTranslator,
    TermDictionary,
    coverage_units,
)
from innobridge.search.types import Document, Encoder, Query, SearchResult

log = logging.getLogger(__name__)
# A process that only reads (a web worker beside the index writer) looks for the writer's new vectors at
# most this often; tantivy's reader follows the writer's commits by itself (its meta.json watcher).
FOLLOW_INTERVAL_S = 1.0
QUERY_CACHE_SIZE = 4096  # query encodings kept per process (~1.5 KB each at 384 dimensions)
# Results (hits, totals, facet counts) of repeated queries, per process, for as long as the index does
# not change: a popular query, a browse page or a facet count costs a dict lookup. ~10–20 KB each.
RESULT_CACHE_SIZE = 512

_worker_analyzer: Analyzer | None = None


def _analyse_one(doc: Document) -> dict[str, str]:
    """Analysis in a worker process (forked: it inherits the parent's domain words)."""
    global _worker_analyzer
    if _worker_analyzer is None:
        _worker_analyzer = Analyzer()
    return _worker_analyzer.fields(doc)


@dataclass
class _Plan(Plan):
    filter_qs: list[Any] = field(default_factory=list)  # tantivy queries, all of which must hold
    lex_query: Any = None  # text AND filters (None: text without a searchable term)


class SearchEngine(HybridSearch[_Plan]):
    """Lexical (tantivy BM25) + dense (encoder vectors) search over `Document`s, with filters, facets,
    fusion and explanations. Everything lives under `directory` (None: in memory). `search` is the shared
    pipeline (search/pipeline.py); this class supplies its primitives over tantivy and the vector matrix."""

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
        self._followed_at = time.monotonic()
        self._encoded: OrderedDict[str, npt.NDArray[np.float32] | None] = OrderedDict()
        self._encoded_lock = threading.Lock()
        self._results: OrderedDict[str, SearchResult] = OrderedDict()
        self._results_lock = threading.Lock()
        self._generation: Any = None

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

    def acquire_writer(self) -> bool:
        """Become the index's writer now; False when another process is (one writer per directory)."""
        return self.lexical.acquire_writer()

    def all_ids(self) -> list[str]:
        """Every document id in the index (a rebuild deletes those whose records are gone)."""
        return self.dense.ids()

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

    # --- following the writer (another process) -------------------------------------------------
    def follow(self) -> int:
        """Take in vectors and deletions another process committed (see DenseIndex.refresh)."""
        self._followed_at = time.monotonic()
        return self.dense.refresh()

    def search(self, query: Query) -> SearchResult:
        """The pipeline's search, remembered until the index changes (keyed by the whole query, so
        filters — the reader's visibility among them — are part of the key)."""
        if time.monotonic() - self._followed_at >= FOLLOW_INTERVAL_S:
            self.follow()
        generation = (self.lexical.generation(), self.dense.generation())
        key = repr(query)
        with self._results_lock:
            if generation != self._generation:
                # another process committed: read its commit now (tantivy's own watcher lags ~0.5 s),
                # and forget results of the index as it was
                self.lexical.index.reload()
                self._results.clear()
                self._generation = generation
            elif key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
        result = super().search(query)
        with self._results_lock:
            if generation == self._generation:
                self._results[key] = result
                while len(self._results) > RESULT_CACHE_SIZE:
                    self._results.popitem(last=False)
        return result

    def add_terms(self, pairs: Iterable[tuple[str, str]]) -> int:
        with self._results_lock:
            self._results.clear()  # English queries may translate differently now
        return super().add_terms(pairs)

    def encode_query(self, text: str) -> npt.NDArray[np.float32] | None:
        """The pipeline's query encoding, remembered: popular queries (and a need's text, searched once
        per kind on its matches page) are encoded once per process."""
        with self._encoded_lock:
            if text in self._encoded:
                self._encoded.move_to_end(text)
                return self._encoded[text]
        vec = super().encode_query(text)
        with self._encoded_lock:
            self._encoded[text] = vec
            while len(self._encoded) > QUERY_CACHE_SIZE:
                self._encoded.popitem(last=False)
        return vec

    # --- search primitives (the pipeline itself: search/pipeline.py) ---------------------------------
    def start_encoding(self, text: str) -> Callable[[], npt.NDArray[np.float32] | None]:
        # The query is encoded on a worker thread while the lexical search runs: the encoder's C code
        # and tantivy both release the GIL, so the lexical part costs almost nothing in hybrid mode.
        return self._query_pool.submit(self.encode_query, text).result

    def plan(self, query: Query, terms: list[str], translations: list[AnalysedTranslation]) -> _Plan:
        filter_qs = self.lexical.filter_queries(query.kinds, query.filters)
        alternatives = [tr.tokens for tr in translations]
        has_text = bool(query.text.strip())
        text_q = self.lexical.text_query(terms, self.field_weights, alternatives) if has_text else None
        lex_query = self.lexical.combined(text_q, filter_qs) if (text_q is not None or not has_text) else None
        matchable = terms + [t for tokens in alternatives for t in tokens]
        return _Plan(query, terms, translations, matchable, filter_qs=filter_qs, lex_query=lex_query)

    def has_vectors(self) -> bool:
        return self.encoder is not None and self.dense.vector_count() > 0

    def centroid(self) -> npt.NDArray[np.float32] | None:
        return self.dense.centroid()

    def lexical_top(self, plan: _Plan, depth: int, offset: int, limit: int) -> LexicalCandidates:
        if plan.lex_query is None:  # text without a searchable term
            return LexicalCandidates([], 0)
        hits, total, searcher = self.lexical.search(plan.lex_query, depth)
        return LexicalCandidates([Scored(h.id, h.score, h.address) for h in hits], total, context=searcher)

    def dense_top(self, plan: _Plan, qvec: npt.NDArray[np.float32], k: int) -> list[Scored]:
        if not plan.filter_qs:
            return [Scored(d, s) for d, s in self.dense.search(qvec, k)]
        n = self.dense.vector_count()
        depth = min(n, max(k * 10, 1000))
        while True:
            ranked = self.dense.search(qvec, depth)
            allowed = self.lexical.ids_matching([d for d, _ in ranked], plan.filter_qs)
            kept = [Scored(d, s) for d, s in ranked if d in allowed]
            if len(kept) >= k or depth >= n:
                return kept[:k]
            depth = min(n, depth * 4)

    def dense_scores(self, qvec: npt.NDArray[np.float32], ids: Sequence[str]) -> dict[str, float]:
        return self.dense.scores_for(qvec, ids)

    def dense_total(self, plan: _Plan) -> int:
        return self.lexical.count_matching(plan.filter_qs) if plan.filter_qs else self.dense.vector_count()

    def coverage(self, plan: _Plan, lexical: LexicalCandidates) -> float:
        best = lexical.hits[0].ref if lexical.hits else None
        return self._coverage(plan.terms, best, lexical.context, plan.translations)

    def stored(self, page: Sequence[Candidate], lexical: LexicalCandidates) -> dict[str, StoredDoc]:
        searcher = lexical.context
        by_id = self.lexical.stored_many([c.id for c in page if c.ref is None or searcher is None])
        out: dict[str, StoredDoc] = {}
        for c in page:
            if c.ref is not None and searcher is not None:
                out[c.id] = self.lexical.stored(searcher, c.ref)
            elif c.id in by_id:
                out[c.id] = by_id[c.id]
        return out

    def facets(self, plan: _Plan, use_lexical: bool, names: Sequence[str]) -> dict[str, dict[str, int]]:
        if use_lexical and plan.lex_query is not None:
            return self.lexical.facets(plan.lex_query, names)
        return self.lexical.facets(self.lexical.combined(None, plan.filter_qs), names)

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
        return self._coverage(terms, hits[0].address if hits else None, searcher, translations)

    def _coverage(
        self, terms: Sequence[str], best: Any, searcher: Any, translations: Sequence[AnalysedTranslation]
    ) -> float:
        if best is None or not terms or searcher is None:
            return 0.0
        units = coverage_units(terms, translations)
        idf = self.lexical.idf(searcher, set().union(*units))
        unknown = self.lexical.idf_of_unknown(searcher)
        stored = self.lexical.stored(searcher, best)
        present = set().union(*(set(t) for t in stored.tokens.values()))
        total = found = 0.0
        for unit in units:
            known = [idf[t] for t in unit if idf[t] < unknown]
            weight = max(known) if known else unknown
            total += weight
            if unit & present:
                found += weight
        return found / total if total > 0 else 0.0
