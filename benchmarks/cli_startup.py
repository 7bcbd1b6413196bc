"""How long `innobridge` takes to start (the app gathers every command module at import), and its memory.

    python benchmarks/cli_startup.py [--runs 7]

Prints the best and median wall time of `innobridge --help` in a fresh interpreter, and the peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time

CODE = "from innobridge.cli import app; app(['--help'])"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", CODE], check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    best, median = min(times), statistics.median(times)
    print(f"innobridge --help: best {best:.2f} s, median {median:.2f} s over {runs} runs")
    print(f"peak RSS of one run: {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
