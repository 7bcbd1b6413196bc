"""The dense index: document vectors in SQLite (durable, resumable), searched exactly in memory.

Tables in `vectors.sqlite` (or in memory):
  meta(key, value)             the encoder name the vectors belong to
  docs(id, key, text, built)   the text each document is encoded from; key = sha256(encoder + text);
                               built = 0 while its vector is pending
  embeddings(key, vec)         the embedding cache: unchanged text is never encoded twice
  gone(id, seq)                documents deleted, so that other processes drop them too
Every write stamps its rows with a rising `seq`; a process that only reads (a web worker beside the one
index writer) follows the writer with `refresh()`: when SQLite's data_version says another connection
committed, it loads the rows stamped after the last seq it saw (docs.seq is indexed).
Search is an exact inner product over a float32 matrix (vectors are L2-normalised, so this is cosine).
At 100,000 × 384 that is ~10 ms; the matrix is rebuilt from SQLite on open. The index also keeps the
running sum of its vectors, so the centroid (`centroid()`, used for hubness correction) costs nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from innobridge.search.encoders import EmbeddingCache, cache_key
from innobridge.search.types import Encoder

Progress = Callable[[int, int], None]  # (done, total)
# Hubness correction: the share of the index's mean vector taken off each query vector. Short passages
# (bare titles) sit near the mean and top every dense list; 0.5 lifted dense nDCG@10 on
# csl-needs-dev-zh-large from 0.73 to 0.88 and cost csl-needs-dev-en 0.08 (benchmarks/relevance/fusion.json).
DEFAULT_CENTRING = 0.5


def centred(
    query: npt.NDArray[np.float32], centroid: npt.NDArray[np.float32] | None, share: float
) -> npt.NDArray[np.float32]:
    """The vector documents are scored against: the query less `share` × the mean document vector."""
    if centroid is None or not share:
        return query
    return (query - share * centroid).astype(np.float32)


class DenseIndex:
    def __init__(self, directory: Path | None, dim: int | None, encoder_name: str | None) -> None:
        self._lock = threading.RLock()
        path = None
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / "vectors.sqlite"
        self.cache = EmbeddingCache(path)
        self._db = self.cache.connection
        self._db.executescript(
            """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
               CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, key TEXT NOT NULL, text TEXT NOT NULL,
                                                built INTEGER NOT NULL DEFAULT 0);
               CREATE INDEX IF NOT EXISTS docs_pending ON docs(built) WHERE built = 0;
               CREATE TABLE IF NOT EXISTS gone (id TEXT PRIMARY KEY, seq INTEGER NOT NULL);"""
        )
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(docs)")}
        if "seq" not in columns:  # files written before readers followed the writer
            self._db.execute("ALTER TABLE docs ADD COLUMN seq INTEGER NOT NULL DEFAULT 0")
        self._db.execute("CREATE INDEX IF NOT EXISTS docs_seq ON docs(seq)")
        self._db.commit()
        self.encoder_name = encoder_name or ""
        self.dim = dim or 0
        row = self._db.execute("SELECT value FROM meta WHERE key = 'encoder'").fetchone()
        if encoder_name and (row is None or row[0] != encoder_name):
            # a different encoder: every document must be encoded again (its cache keys differ)
            with self.cache.lock:
                rows = self._db.execute("SELECT id, text FROM docs").fetchall()
                self._db.executemany(
                    "UPDATE docs SET key = ?, built = 0 WHERE id = ?",
                    [(cache_key(encoder_name, text), doc_id) for doc_id, text in rows],
                )
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('encoder', ?)", (encoder_name,))
                self._db.commit()
        self._ids: list[str | None] = []
        self._rows: dict[str, int] = {}
        self._free: list[int] = []
        self._matrix: npt.NDArray[np.float32] = np.zeros((0, max(self.dim, 1)), dtype=np.float32)
        self._sum: npt.NDArray[np.float64] = np.zeros(max(self.dim, 1), dtype=np.float64)
        self._seq = 0  # the last seq written or seen by this process
        self._data_version = -1
        self._load()

    # --- in-memory matrix --------------------------------------------------------------------
    def _load(self) -> None:
        with self.cache.lock:
            self._seq = int(
                self._db.execute(
                    "SELECT MAX(s) FROM (SELECT MAX(seq) s FROM docs UNION ALL SELECT MAX(seq) FROM gone)"
                ).fetchone()[0]
                or 0
            )
            self._data_version = self._version()
        if not self.encoder_name:
            return
        rows = self._db.execute(
            "SELECT d.id, e.vec FROM docs d JOIN embeddings e ON e.key = d.key WHERE d.built = 1"
        ).fetchall()
        self._ids = [r[0] for r in rows]
        self._rows = {doc_id: i for i, doc_id in enumerate(self._ids) if doc_id is not None}
        if rows:
            self._matrix = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
            self.dim = int(self._matrix.shape[1])
            self._sum = self._matrix.sum(axis=0, dtype=np.float64)
        else:
            self._matrix = np.zeros((0, max(self.dim, 1)), dtype=np.float32)

    def _set(self, doc_id: str, vec: npt.NDArray[np.float32]) -> None:
        row = self._rows.get(doc_id)
        if row is None:
            if self._free:
                row = self._free.pop()
                self._ids[row] = doc_id
            else:
                row = len(self._ids)
                self._ids.append(doc_id)
                if row >= self._matrix.shape[0]:
                    grown = np.zeros((max(64, row * 2), vec.shape[0]), dtype=np.float32)
                    grown[: self._matrix.shape[0]] = self._matrix[:, : vec.shape[0]]
                    self._matrix = grown
            self._rows[doc_id] = row
        if self._sum.shape[0] != vec.shape[0]:
            self._sum = self._matrix[: len(self._ids)].sum(axis=0, dtype=np.float64)
        self._sum += vec.astype(np.float64) - self._matrix[row]
        self._matrix[row] = vec

    def _unset(self, doc_id: str) -> None:
        row = self._rows.pop(doc_id, None)
        if row is not None:
            self._ids[row] = None
            self._sum -= self._matrix[row]
            self._matrix[row] = 0.0
            self._free.append(row)

    def vector_count(self) -> int:
        return len(self._rows)

    def centroid(self) -> npt.NDArray[np.float32] | None:
        """The mean of the document vectors (None while there are none)."""
        with self._lock:
            if not self._rows:
                return None
            return (self._sum / len(self._rows)).astype(np.float32)

    # --- writes ------------------------------------------------------------------------------
    def upsert(self, items: Sequence[tuple[str, str]]) -> None:
        """Record the text each document is encoded from; a changed text makes it pending again,
        unless its vector is already in the cache (then it is built at once)."""
        if not items:
            return
        with self._lock:
            keys = [cache_key(self.encoder_name, text) for _, text in items]
            existing = dict(
                self._fetch_many(
                    "SELECT id, key FROM docs WHERE built = 1 AND id IN ({})", [i for i, _ in items]
                )
            )
            cached = self.cache.get_many(keys) if self.encoder_name else {}
            rows = []
            for (doc_id, text), key in zip(items, keys, strict=True):
                if existing.get(doc_id) == key and doc_id in self._rows:
                    rows.append((doc_id, key, text, 1))
                    continue
                vec = cached.get(key)
                if vec is not None:
                    self._set(doc_id, vec)
                    rows.append((doc_id, key, text, 1))
                else:
                    self._unset(doc_id)
                    rows.append((doc_id, key, text, 0))
            with self.cache.lock:
                seq = self._next_seq()
                self._db.executemany(
                    "INSERT OR REPLACE INTO docs (id, key, text, built, seq) VALUES (?, ?, ?, ?, ?)",
                    [(*row, seq) for row in rows],
                )
                self._db.executemany("DELETE FROM gone WHERE id = ?", [(row[0],) for row in rows])
                self._db.commit()

    def _fetch_many(self, sql: str, ids: Sequence[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        with self.cache.lock:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                out += self._db.execute(sql.format(marks), chunk).fetchall()
        return out

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            for doc_id in ids:
                self._unset(doc_id)
            with self.cache.lock:
                seq = self._next_seq()
                self._db.executemany("DELETE FROM docs WHERE id = ?", [(i,) for i in ids])
                self._db.executemany("INSERT OR REPLACE INTO gone VALUES (?, ?)", [(i, seq) for i in ids])
                self._db.commit()

    def clear(self) -> None:
        with self._lock:
            with self.cache.lock:
                seq = self._next_seq()
                self._db.execute("INSERT OR REPLACE INTO gone SELECT id, ? FROM docs", (seq,))
                self._db.execute("DELETE FROM docs")
                self._db.commit()
            self._ids, self._rows, self._free = [], {}, []
            self._matrix = np.zeros((0, max(self.dim, 1)), dtype=np.float32)
            self._sum = np.zeros(max(self.dim, 1), dtype=np.float64)

    def ids(self) -> list[str]:
        with self.cache.lock:
            return [str(r[0]) for r in self._db.execute("SELECT id FROM docs")]

    def pending(self) -> int:
        with self.cache.lock:
            row = self._db.execute("SELECT COUNT(*) FROM docs WHERE built = 0").fetchone()
        return int(row[0])

    def build(self, encoder: Encoder, *, batch_size: int = 32, progress: Progress | None = None) -> int:
        """Encode pending documents batch by batch; each batch is durable, so an interrupted build resumes.
        Returns how many documents got a vector."""
        total = self.pending()
        done = 0
        while True:
            with self.cache.lock:
                batch = self._db.execute(
                    "SELECT id, key, text FROM docs WHERE built = 0 ORDER BY rowid LIMIT ?", (batch_size,)
                ).fetchall()
            if not batch:
                break
            keys = [r[1] for r in batch]
            cached = self.cache.get_many(keys)
            todo = [i for i, r in enumerate(batch) if r[1] not in cached]
            if todo:
                vecs = encoder.encode_passages([batch[i][2] for i in todo])
                fresh = [(batch[i][1], vecs[j]) for j, i in enumerate(todo)]
                self.cache.put_many(fresh)
                cached.update(fresh)
            with self._lock:
                # a concurrent upsert may have changed the text meanwhile: mark rows whose key still matches
                with self.cache.lock:
                    seq = self._next_seq()
                    self._db.executemany(
                        "UPDATE docs SET built = 1, seq = ? WHERE id = ? AND key = ?",
                        [(seq, r[0], r[1]) for r in batch],
                    )
                    self._db.commit()
                    current = dict(
                        self._db.execute(
                            f"SELECT id, key FROM docs WHERE id IN ({','.join('?' * len(batch))})",  # noqa: S608
                            [r[0] for r in batch],
                        ).fetchall()
                    )
                for doc_id, key, _ in batch:
                    if current.get(doc_id) == key:
                        self._set(doc_id, cached[key])
            done += len(batch)
            if progress is not None:
                progress(done, total)
        return done

    def generation(self) -> tuple[int, int]:
        """Changes with every write of this process and every refresh from another's."""
        return (self._seq, len(self._rows))

    def _next_seq(self) -> int:
        # one writer per index (the job worker): a counter in memory is enough
        self._seq += 1
        return self._seq

    # --- following another process's writes ----------------------------------------------------
    def _version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def refresh(self) -> int:
        """Take in what another process committed since the last look (vectors built, documents
        changed or deleted); a no-op costing one pragma when nothing changed. Returns rows taken in."""
        with self._lock, self.cache.lock:
            version = self._version()
            if version == self._data_version:
                return 0
            self._data_version = version
            rows = self._db.execute(
                "SELECT d.id, d.built, d.seq, e.vec FROM docs d LEFT JOIN embeddings e ON e.key = d.key "
                "WHERE d.seq > ? ORDER BY d.seq",
                (self._seq,),
            ).fetchall()
            gone = self._db.execute("SELECT id, seq FROM gone WHERE seq > ?", (self._seq,)).fetchall()
            for doc_id, _ in gone:
                self._unset(doc_id)
            for doc_id, built, _, blob in rows:
                if built and blob is not None and self.encoder_name:
                    self._set(doc_id, np.frombuffer(blob, dtype=np.float32).copy())
                else:
                    self._unset(doc_id)
            self._seq = max([self._seq, *(r[2] for r in rows), *(g[1] for g in gone)])
            return len(rows) + len(gone)

    # --- reads -------------------------------------------------------------------------------
    def search(self, qvec: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        with self._lock:
            n = len(self._ids)
            if n == 0 or not self._rows or k <= 0:
                return []
            scores = self._matrix[:n] @ qvec.astype(np.float32)
            if self._free:
                scores[self._free] = -np.inf
            k = min(k, len(self._rows))
            top = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(str(self._ids[i]), float(scores[i])) for i in top if self._ids[i] is not None][:k]

    def scores_for(self, qvec: npt.NDArray[np.float32], ids: Sequence[str]) -> dict[str, float]:
        with self._lock:
            rows = [(i, self._rows[i]) for i in ids if i in self._rows]
            if not rows:
                return {}
            sims = self._matrix[[r for _, r in rows]] @ qvec.astype(np.float32)
            return {doc_id: float(s) for (doc_id, _), s in zip(rows, sims, strict=True)}

    def close(self) -> None:
        self.cache.close()
