"""Fusion arithmetic against hand-computed values."""

from __future__ import annotations

import pytest

from innobridge.search.fusion import FusionConfig, fuse, lexical_gate, minmax, rrf


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = rrf([["a", "b"], ["b", "c"]], [1.0, 1.0], k=60)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_rrf_fusion_orders_documents_found_by_both_first() -> None:
    out = fuse(
        [("a", 9.0), ("b", 5.0)],
        [("b", 0.9), ("c", 0.8)],
        FusionConfig(method="rrf", lexical_weight=1.0, dense_weight=1.0),
    )
    assert [d for d, _ in out] == ["b", "a", "c"]


def test_minmax_scales_to_unit_interval() -> None:
    assert minmax({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert minmax({"a": 3.0}) == {"a": 1.0}


def test_score_fusion_is_a_weighted_sum_of_scaled_scores() -> None:
    cfg = FusionConfig(method="score", lexical_weight=0.3, dense_weight=0.7)
    out = dict(fuse([("a", 10.0), ("b", 0.0)], [("b", 0.9), ("a", 0.5)], cfg))
    assert out["a"] == pytest.approx(0.3)
    assert out["b"] == pytest.approx(0.7)


def test_coverage_gate_silences_the_lexical_list_for_low_coverage() -> None:
    cfg = FusionConfig(
        method="score",
        lexical_weight=0.5,
        dense_weight=0.5,
        adaptive=True,
        coverage_low=0.1,
        coverage_high=0.25,
    )
    lexical, dense = [("a", 5.0), ("b", 1.0)], [("b", 0.9), ("a", 0.1)]
    assert [d for d, _ in fuse(lexical, dense, cfg, coverage=0.05)] == ["b", "a"]
    assert dict(fuse(lexical, dense, cfg, coverage=0.05))["a"] == pytest.approx(0.0)
    full = dict(fuse(lexical, dense, cfg, coverage=0.9))
    assert full["a"] == pytest.approx(0.5) and full["b"] == pytest.approx(0.5)
    half = dict(fuse(lexical, dense, cfg, coverage=0.175))
    assert half["a"] == pytest.approx(0.25)


def test_lexical_gate_ramps_between_bounds() -> None:
    cfg = FusionConfig(adaptive=True, coverage_low=0.1, coverage_high=0.3)
    assert lexical_gate(cfg, 0.0) == 0.0
    assert lexical_gate(cfg, 0.2) == pytest.approx(0.5)
    assert lexical_gate(cfg, 0.5) == 1.0
    assert lexical_gate(FusionConfig(adaptive=False), 0.0) == 1.0
