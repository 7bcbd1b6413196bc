"""Peer baselines on a BEIR folder: plain bm25s over jieba tokens, and SQLite FTS5 over the same tokens.

Used by benchmarks/search_beir.py; run alone with
    PYTHONPATH=src python benchmarks/search_peers.py ../shared/data/beir/csl-needs-dev-zh
"""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from innobridge.search.evaluation import BeirSet, load_beir, peak_rss_mb, percentile, score_run

_TOKEN = re.compile(r"\w", re.UNICODE)


def jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in (w.strip().lower() for w in jieba.lcut(text)) if t and _TOKEN.search(t)]


def _figures(run: dict[str, list[str]], data: BeirSet, index_s: float, times: list[float]) -> dict[str, Any]:
    figures: dict[str, Any] = {k: round(v, 4) for k, v in score_run(run, data.qrels).items()}
    figures.update(
        n_docs=len(data.corpus),
        n_queries=len(data.queries),
        index_s=round(index_s, 3),
        p50_ms=round(percentile(times, 50) * 1000, 3),
        p95_ms=round(percentile(times, 95) * 1000, 3),
        peak_rss_mb=round(peak_rss_mb(), 1),
    )
    return figures


def run_bm25s(data: BeirSet) -> dict[str, Any]:
    import bm25s
    import jieba

    jieba.setLogLevel(logging.WARNING)
    start = time.perf_counter()
    corpus_tokens = [jieba_tokens(d.title + "\n" + d.text) for d in data.corpus]
    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    index_s = time.perf_counter() - start
    ids = [d.id for d in data.corpus]
    run: dict[str, list[str]] = {}
    times: list[float] = []
    for qid, text in data.queries.items():
        t0 = time.perf_counter()
        tokens = jieba_tokens(text) or ["<empty>"]
        docs, _ = retriever.retrieve([tokens], k=min(100, len(ids)), show_progress=False, n_threads=1)
        times.append(time.perf_counter() - t0)
        run[qid] = [ids[int(i)] for i in docs[0]]
    return _figures(run, data, index_s, times)


def run_fts5(data: BeirSet) -> dict[str, Any]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    start = time.perf_counter()
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, body, tokenize='unicode61')")
    db.executemany(
        "INSERT INTO docs (id, body) VALUES (?, ?)",
        [(d.id, " ".join(jieba_tokens(d.title + "\n" + d.text))) for d in data.corpus],
    )
    db.commit()
    index_s = time.perf_counter() - start
    run: dict[str, list[str]] = {}
    times: list[float] = []
    for qid, text in data.queries.items():
        t0 = time.perf_counter()
        terms = sorted({t.replace('"', "") for t in jieba_tokens(text)})
        if not terms:
            run[qid] = []
            continue
        match = " OR ".join(f'"{t}"' for t in terms)
        rows = db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 100", (match,)
        ).fetchall()
        times.append(time.perf_counter() - t0)
        run[qid] = [r[0] for r in rows]
    return _figures(run, data, index_s, times)


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    beir = load_beir(folder)
    print("bm25s+jieba", run_bm25s(beir))
    print("sqlite-fts5+jieba", run_fts5(beir))
