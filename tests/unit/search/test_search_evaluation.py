"""Evaluation metrics against hand-computed values, BEIR loading, and a tiny end-to-end run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from innobridge.search.evaluation import (
    evaluate_beir,
    load_beir,
    mrr_at_k,
    ndcg_at_k,
    percentile,
    recall_at_k,
    score_run,
)


def test_ndcg_of_a_perfect_ranking_is_one() -> None:
    assert ndcg_at_k(["a", "b", "x"], {"a": 1, "b": 1}) == pytest.approx(1.0)


def test_ndcg_by_hand() -> None:
    # relevant a (gain 2) at rank 2 and b (gain 1) at rank 3; ideal: a at 1, b at 2
    dcg = 2 / math.log2(3) + 1 / math.log2(4)
    idcg = 2 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(["x", "a", "b"], {"a": 2, "b": 1}) == pytest.approx(dcg / idcg)


def test_ndcg_ignores_documents_below_the_cutoff() -> None:
    ranked = [f"x{i}" for i in range(10)] + ["a"]
    assert ndcg_at_k(ranked, {"a": 1}, 10) == 0.0


def test_zero_scored_qrels_are_not_relevant() -> None:
    assert recall_at_k(["a"], {"a": 0, "b": 1}, 10) == 0.0
    assert ndcg_at_k(["a"], {"a": 0}) == 0.0


def test_recall_by_hand() -> None:
    ranked = ["a", "x", "b"]
    assert recall_at_k(ranked, {"a": 1, "b": 1, "c": 1, "d": 1}, 2) == pytest.approx(0.25)
    assert recall_at_k(ranked, {"a": 1, "b": 1, "c": 1, "d": 1}, 100) == pytest.approx(0.5)


def test_mrr_by_hand() -> None:
    assert mrr_at_k(["x", "y", "a", "b"], {"a": 1, "b": 1}) == pytest.approx(1 / 3)
    assert mrr_at_k(["x"] * 10 + ["a"], {"a": 1}) == 0.0


def test_score_run_averages_over_qrels_and_counts_missing_queries_as_zero() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    figures = score_run({"q1": ["a"]}, qrels)
    assert figures["ndcg@10"] == pytest.approx(0.5)
    assert figures["mrr@10"] == pytest.approx(0.5)
    assert figures["recall@100"] == pytest.approx(0.5)


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0], 95) == 5.0


def write_beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    corpus = [
        {"_id": "d1", "title": "锂电池回收", "text": "从废旧锂离子电池中回收钴和镍。"},
        {"_id": "d2", "title": "玉米病害识别", "text": "基于图像的玉米叶斑病识别。"},
        {"_id": "d3", "title": "Graphene sensors", "text": "Flexible graphene strain sensors."},
        {"_id": "d4", "title": "超导薄膜", "text": "高温超导薄膜的制备。"},
    ]
    queries = [
        {"_id": "q1", "text": "废旧电池回收"},
        {"_id": "q2", "text": "graphene sensor"},
        {"_id": "q3", "text": "not judged, so not evaluated"},
    ]
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in corpus) + "\n")
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in queries) + "\n"
    )
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n")
    return folder


def test_load_beir_keeps_only_judged_queries(tmp_path: Path) -> None:
    data = load_beir(write_beir(tmp_path / "set"))
    assert sorted(data.queries) == ["q1", "q2"]
    assert len(data.corpus) == 4
    assert data.qrels == {"q1": {"d1": 1}, "q2": {"d3": 1}}


def test_load_beir_limit_keeps_judged_documents(tmp_path: Path) -> None:
    data = load_beir(write_beir(tmp_path / "set"), limit_docs=3)
    assert {d.id for d in data.corpus} == {"d1", "d3", "d2"}


def test_evaluate_beir_lexical_end_to_end(tmp_path: Path) -> None:
    figures = evaluate_beir(write_beir(tmp_path / "set"), mode="lexical")
    assert figures["ndcg@10"] == pytest.approx(1.0)
    assert figures["n_queries"] == 2 and figures["n_docs"] == 4 and figures["mode"] == "lexical"
    assert figures["p95_ms"] >= figures["p50_ms"] > 0
    assert figures["peak_rss_mb"] > 0 and figures["qps"] > 0


def test_evaluate_beir_dense_needs_an_encoder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs an encoder"):
        evaluate_beir(write_beir(tmp_path / "set"), mode="dense")
