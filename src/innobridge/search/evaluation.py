"""Evaluation on BEIR-layout folders: nDCG@10, Recall@10, Recall@100, MRR@10, speed and memory.

Only queries that appear in qrels/test.tsv are evaluated (as in BEIR). Gains are linear (trec_eval),
documents with a qrels score > 0 are relevant.
"""

from __future__ import annotations

import csv
import json
import math
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from innobridge.search.engine import SearchEngine
from innobridge.search.fusion import FusionConfig
from innobridge.search.types import Document, Encoder, Mode, Query

Qrels = dict[str, dict[str, int]]


@dataclass(frozen=True)
class BeirSet:
    corpus: list[Document]
    queries: dict[str, str]  # only the queries present in qrels
    qrels: Qrels


def load_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t")
        for row in reader:
            if len(row) < 3 or row[0] == "query-id":
                continue
            qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return qrels


def load_beir(folder: Path, *, limit_docs: int | None = None) -> BeirSet:
    """Read corpus.jsonl, queries.jsonl and qrels/test.tsv. With `limit_docs`, the corpus keeps every
    judged document and fills up to `limit_docs` with the others, in file order."""
    qrels = load_qrels(folder / "qrels" / "test.tsv")
    queries: dict[str, str] = {}
    with (folder / "queries.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                if str(row["_id"]) in qrels:
                    queries[str(row["_id"])] = str(row["text"])
    qrels = {q: r for q, r in qrels.items() if q in queries}
    judged = {d for rels in qrels.values() for d in rels}
    corpus: list[Document] = []
    others = 0
    with (folder / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            doc_id = str(row["_id"])
            if limit_docs is not None and doc_id not in judged:
                if others >= max(0, limit_docs - len(judged)):
                    continue
                others += 1
            corpus.append(
                Document(
                    id=doc_id, kind="doc", title=str(row.get("title") or ""), text=str(row.get("text") or "")
                )
            )
    return BeirSet(corpus=corpus, queries=queries, qrels=qrels)


# --- metrics --------------------------------------------------------------------------------------
def ndcg_at_k(ranked: Sequence[str], rels: Mapping[str, int], k: int = 10) -> float:
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if rels.get(d, 0) > 0)
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at_k(ranked: Sequence[str], rels: Mapping[str, int], k: int) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], rels: Mapping[str, int], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if rels.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def score_run(run: Mapping[str, Sequence[str]], qrels: Qrels) -> dict[str, float]:
    """Mean metrics over the queries in qrels (a query missing from `run` scores 0)."""
    n = len(qrels)
    if n == 0:
        return {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    tot = {"ndcg@10": 0.0, "recall@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}
    for q, rels in qrels.items():
        ranked = run.get(q, [])
        tot["ndcg@10"] += ndcg_at_k(ranked, rels, 10)
        tot["recall@10"] += recall_at_k(ranked, rels, 10)
        tot["recall@100"] += recall_at_k(ranked, rels, 100)
        tot["mrr@10"] += mrr_at_k(ranked, rels, 10)
    return {k: v / n for k, v in tot.items()}


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def peak_rss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (1024 * 1024) if sys.platform == "darwin" else usage / 1024


def evaluate_beir(
    folder: Path,
    *,
    mode: Mode = "hybrid",
    encoder: Encoder | None = None,
    limit_docs: int | None = None,
    directory: Path | None = None,
    fusion: FusionConfig | None = None,
    user_words: Sequence[str] = (),
    engine_options: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Index the folder's corpus, run every judged query, and return the figures printed by
    `innobridge eval`. Dense and hybrid modes need an encoder (ValueError otherwise)."""
    if mode not in ("lexical", "dense", "hybrid"):
        raise ValueError(f"unknown mode {mode!r}")
    if mode != "lexical" and encoder is None:
        raise ValueError(f"mode {mode!r} needs an encoder")
    data = load_beir(folder, limit_docs=limit_docs)
    with tempfile.TemporaryDirectory(prefix="innobridge-eval-") as tmp:
        engine = SearchEngine(
            directory or Path(tmp),
            encoder=encoder if mode != "lexical" else None,
            user_words=user_words,
            fusion=fusion,
            **dict(engine_options or {}),
        )
        try:
            start = time.perf_counter()
            for i in range(0, len(data.corpus), 5000):
                engine.upsert(data.corpus[i : i + 5000], commit=False)
            engine.commit()
            lexical_s = time.perf_counter() - start
            if mode != "lexical":
                engine.build_vectors(batch_size=64, progress=progress)
            index_s = time.perf_counter() - start

            run: dict[str, list[str]] = {}
            times: list[float] = []
            wall = time.perf_counter()
            for qid, text in data.queries.items():
                t0 = time.perf_counter()
                result = engine.search(Query(text=text, limit=100, mode=mode))
                times.append(time.perf_counter() - t0)
                run[qid] = [h.id for h in result.hits]
            wall = time.perf_counter() - wall
        finally:
            engine.close()
    figures: dict[str, Any] = dict(score_run(run, data.qrels))
    figures.update(
        {
            "n_queries": len(data.queries),
            "n_docs": len(data.corpus),
            "index_s": round(index_s, 3),
            "lexical_index_s": round(lexical_s, 3),
            "p50_ms": round(percentile(times, 50) * 1000, 3),
            "p95_ms": round(percentile(times, 95) * 1000, 3),
            "qps": round(len(times) / wall, 2) if wall > 0 else 0.0,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "mode": mode,
        }
    )
    for key in ("ndcg@10", "recall@10", "recall@100", "mrr@10"):
        figures[key] = round(float(figures[key]), 4)
    return figures


def mean_or_zero(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else 0.0
