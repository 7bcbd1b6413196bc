"""The `innobridge eval` function prints the figures as text or as one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.unit.search.test_search_evaluation import write_beir

from innobridge.cli.eval import eval_command

KEYS = {
    "ndcg@10",
    "recall@10",
    "recall@100",
    "mrr@10",
    "n_queries",
    "n_docs",
    "index_s",
    "p50_ms",
    "p95_ms",
    "qps",
    "peak_rss_mb",
    "mode",
}


def test_eval_command_prints_one_json_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eval_command(write_beir(tmp_path / "set"), mode="lexical", as_json=True)
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == KEYS
    assert figures["ndcg@10"] == pytest.approx(1.0) and figures["mode"] == "lexical"


def test_eval_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    eval_command(write_beir(tmp_path / "set"), mode="lexical")
    out = capsys.readouterr().out
    assert "nDCG@10" in out and "1.0000" in out and "peak RSS MB" in out


def test_eval_command_refuses_unknown_mode_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode"):
        eval_command(write_beir(tmp_path / "set"), mode="fuzzy")
    with pytest.raises(FileNotFoundError):
        eval_command(tmp_path / "nowhere", mode="lexical")
