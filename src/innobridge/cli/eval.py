"""`innobridge eval`: index a BEIR folder and print retrieval quality, speed and memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from innobridge.core.config import get_settings

if TYPE_CHECKING:
    from innobridge.search.types import Encoder, Mode

commands = typer.Typer()
MODES: tuple[Mode, ...] = ("lexical", "dense", "hybrid")
LABELS = [
    ("ndcg@10", "nDCG@10", "{:.4f}"),
    ("recall@10", "Recall@10", "{:.4f}"),
    ("recall@100", "Recall@100", "{:.4f}"),
    ("mrr@10", "MRR@10", "{:.4f}"),
    ("n_docs", "documents", "{}"),
    ("n_queries", "queries", "{}"),
    ("index_s", "index seconds", "{:.2f}"),
    ("p50_ms", "query p50 ms", "{:.2f}"),
    ("p95_ms", "query p95 ms", "{:.2f}"),
    ("qps", "queries/s", "{:.1f}"),
    ("peak_rss_mb", "peak RSS MB", "{:.0f}"),
]


def format_figures(figures: dict[str, Any]) -> str:
    lines = [f"mode: {figures['mode']}"]
    lines += [f"{label:<14} {fmt.format(figures[key])}" for key, label, fmt in LABELS if key in figures]
    return "\n".join(lines)


def eval_command(
    beir: Path, mode: str = "hybrid", as_json: bool = False, limit_docs: int | None = None
) -> None:
    """Evaluate `mode` on the BEIR folder `beir` and print the figures (one JSON object with `as_json`).
    Passage vectors are cached under the data directory, so a second run encodes nothing."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not (beir / "corpus.jsonl").exists():
        raise FileNotFoundError(f"{beir} is not a BEIR folder (no corpus.jsonl)")
    # The engine (segmenter, numpy, tantivy) loads when eval runs, not with every command.
    from innobridge.search.encoders import CachingEncoder, EmbeddingCache, load_encoder
    from innobridge.search.evaluation import evaluate_beir

    encoder: Encoder | None = None
    if mode != "lexical":
        settings = get_settings()
        inner = load_encoder(settings.encoder, settings.encoder_path)
        if inner is None:
            raise RuntimeError(f"mode {mode!r} needs an encoder, and none could be loaded")
        encoder = CachingEncoder(
            inner, EmbeddingCache(settings.data_dir / "eval-cache" / "embeddings.sqlite")
        )
    typed_mode: Mode = "lexical" if mode == "lexical" else ("dense" if mode == "dense" else "hybrid")
    figures = evaluate_beir(beir, mode=typed_mode, encoder=encoder, limit_docs=limit_docs)
    keys = [
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
    ]
    if as_json:
        print(json.dumps({k: figures[k] for k in keys}, ensure_ascii=False))
    else:
        print(format_figures(figures))


@commands.command("eval")
def eval_(
    beir: Annotated[
        Path, typer.Option("--beir", help="A BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv")
    ],
    mode: Annotated[str, typer.Option(help="lexical, dense or hybrid")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit_docs: Annotated[int | None, typer.Option(help="Index only the first N documents")] = None,
) -> None:
    """Evaluate retrieval quality and speed on a BEIR folder (no database) · 检索评测."""
    eval_command(beir=beir, mode=mode, as_json=as_json, limit_docs=limit_docs)
