"""Fusion of the lexical and dense rankings.

Two methods, both measured on the dev sets (see docs/search-engine.md and benchmarks/relevance/):
- "rrf": reciprocal-rank fusion, score = Σ w / (k + rank).
- "score": calibrated score fusion: each list's scores are min–max scaled over its own candidates,
  then combined as w_lex · lex + w_dense · dense (a missing score counts as 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

FusionMethod = Literal["rrf", "score"]


@dataclass(frozen=True)
class FusionConfig:
    # Defaults chosen on the dev sets (benchmarks/relevance/fusion.json), with translated English queries,
    # centred dense scores and the lexical candidates' own dense scores: score fusion 0.4/0.6 with the
    # coverage gate 0.05–0.15 was the one setting above both of its parts on all five CSL sets.
    method: FusionMethod = "score"
    rrf_k: float = 60.0
    lexical_weight: float = 0.4
    dense_weight: float = 0.6
    # adaptive: the lexical weight is scaled by a ramp of `coverage`, the share of the query's idf mass
    # found in the best lexical hit (SearchEngine.lexical_coverage): 0 below coverage_low, 1 above
    # coverage_high. A query in another language than the documents has coverage near 0.
    adaptive: bool = True
    coverage_low: float = 0.05
    coverage_high: float = 0.15


def rrf(rankings: Sequence[Sequence[str]], weights: Sequence[float], k: float = 60.0) -> dict[str, float]:
    fused: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + w / (k + rank)
    return fused


def minmax(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    if hi - lo <= 1e-12:
        return dict.fromkeys(scores, 1.0)
    return {d: (s - lo) / (hi - lo) for d, s in scores.items()}


def score_fusion(
    lexical: dict[str, float], dense: dict[str, float], w_lex: float, w_dense: float
) -> dict[str, float]:
    ln, dn = minmax(lexical), minmax(dense)
    return {d: w_lex * ln.get(d, 0.0) + w_dense * dn.get(d, 0.0) for d in set(ln) | set(dn)}


def lexical_gate(config: FusionConfig, coverage: float) -> float:
    if not config.adaptive:
        return 1.0
    span = config.coverage_high - config.coverage_low
    if span <= 0:
        return 1.0 if coverage >= config.coverage_high else 0.0
    return max(0.0, min(1.0, (coverage - config.coverage_low) / span))


def fuse(
    lexical: Sequence[tuple[str, float]],
    dense: Sequence[tuple[str, float]],
    config: FusionConfig,
    *,
    coverage: float = 1.0,
) -> list[tuple[str, float]]:
    """Both inputs best first; returns (id, fused score) best first, ties broken by id for stability."""
    w_lex = config.lexical_weight * lexical_gate(config, coverage)
    if config.method == "rrf":
        fused = rrf(
            [[d for d, _ in lexical], [d for d, _ in dense]], [w_lex, config.dense_weight], config.rrf_k
        )
    else:
        fused = score_fusion(dict(lexical), dict(dense), w_lex, config.dense_weight)
    return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
