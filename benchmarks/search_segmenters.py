"""Chinese segmenters on the CSL abstracts: speed (MB/s) and agreement with jieba.

    PYTHONPATH=src python benchmarks/search_segmenters.py

jieba_fast_dat is measured when installed (it is not a dependency; DESIGN.md has its figure: 6.2 MB/s).
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPERS = ROOT.parent / "shared" / "data" / "csl" / "papers.jsonl"


def measure(name: str, cut: Callable[[str], list[str]], texts: list[str]) -> tuple[float, list[list[str]]]:
    cut(texts[0])  # load dictionaries
    start = time.perf_counter()
    out = [cut(t) for t in texts]
    elapsed = time.perf_counter() - start
    mb = sum(len(t.encode()) for t in texts) / 1e6
    return mb / elapsed, out


def main() -> None:
    texts = [json.loads(line)["abstract"] for line in PAPERS.open(encoding="utf-8")]
    cutters: dict[str, Callable[[str], list[str]]] = {}
    import jieba
    import rjieba

    jieba.setLogLevel(logging.WARNING)
    cutters["jieba"] = jieba.lcut
    cutters["rjieba"] = rjieba.cut
    try:
        jfd = importlib.import_module("jieba_fast_dat")
        cutters["jieba_fast_dat"] = jfd.lcut
    except ImportError:
        print("jieba_fast_dat not installed: not measured")
    results = {name: measure(name, cut, texts) for name, cut in cutters.items()}
    reference = results["jieba"][1]
    for name, (speed, out) in results.items():
        same = sum(a == b for a, b in zip(out, reference, strict=True)) / len(reference)
        print(f"{name:<16} {speed:6.2f} MB/s   identical to jieba on {same:.1%} of abstracts")


if __name__ == "__main__":
    main()
