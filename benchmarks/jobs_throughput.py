"""Job queue throughput and latency: huey on a SQLite file, on Redis and on PostgreSQL (the alternative:
jobs in the records' own database), with the consumer settings `innobridge worker` uses.

Three figures per store:
- enqueue: jobs/s one producer thread queues (what a request pays after its commit);
- burst: N jobs queued while the worker threads run, enqueue → done throughput and per-job latency;
- idle: single jobs queued one at a time with the workers idle in between (the latency a user sees
  between a commit and its e-mail being handed to SMTP).

    .venv/bin/python benchmarks/jobs_throughput.py [--jobs 2000] [--workers 2] [--idle 20]
        [--redis redis://127.0.0.1:6379/0] [--postgres postgresql://postgres@127.0.0.1:5432/test]

A store that does not answer is skipped with a note. Prints a table and one JSON line per store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from huey import PostgresHuey, RedisHuey, SqliteHuey
from huey.api import Huey

from innobridge.core.jobs.worker import CONSUMER_OPTIONS


def make(store: str, args: argparse.Namespace, tmp: Path) -> Huey:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    if store == "sqlite":
        return SqliteHuey(name, filename=str(tmp / "jobs.sqlite3"), results=False, timeout=30)
    if store == "redis":
        return RedisHuey(name, url=args.redis, results=False)
    return PostgresHuey(name, dsn=args.postgres, results=False)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(store: str, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    huey = make(store, args, tmp)
    huey.storage.flush_all()
    latencies: list[float] = []
    lock = threading.Lock()
    done = threading.Event()
    target = [0]

    @huey.task(name="bench.job")
    def job(t0: float) -> None:
        with lock:
            latencies.append(time.time() - t0)
            if len(latencies) >= target[0]:
                done.set()

    # enqueue only (no consumer): the producer's cost
    n = args.jobs
    start = time.perf_counter()
    for _ in range(n):
        job(time.time())
    enqueue_rate = n / (time.perf_counter() - start)
    huey.storage.flush_queue()

    consumer = huey.create_consumer(
        workers=args.workers, worker_type="thread", periodic=False, **CONSUMER_OPTIONS
    )
    consumer.start()
    try:
        # burst: enqueue N while the workers consume
        target[0] = n
        start = time.perf_counter()
        for _ in range(n):
            job(time.time())
        if not done.wait(600):
            raise RuntimeError(f"{store}: only {len(latencies)} of {n} jobs done")
        burst_seconds = time.perf_counter() - start
        burst = list(latencies)
        # idle: one job at a time, the workers idle (and backing off) in between
        latencies.clear()
        idle: list[float] = []
        for i in range(args.idle):
            done.clear()
            target[0] = 1
            latencies.clear()
            time.sleep(args.gap)
            job(time.time())
            if not done.wait(60):
                raise RuntimeError(f"{store}: idle job {i} not done")
            idle.append(latencies[0])
    finally:
        consumer.stop(graceful=True)
        huey.storage.flush_all()
    return {
        "store": store,
        "workers": args.workers,
        "jobs": n,
        "enqueue_per_s": round(enqueue_rate),
        "burst_per_s": round(n / burst_seconds),
        "burst_p50_ms": round(statistics.median(burst) * 1000, 1),
        "burst_p95_ms": round(pct(burst, 0.95) * 1000, 1),
        "idle_p50_ms": round(statistics.median(idle) * 1000, 1),
        "idle_max_ms": round(max(idle) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--idle", type=int, default=20, help="single jobs measured after an idle gap")
    parser.add_argument("--gap", type=float, default=1.5, help="idle seconds before each single job")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--stores", default="sqlite,redis,postgres")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for store in args.stores.split(","):
            try:
                rows.append(run(store, args, Path(tmp)))
            except Exception as exc:  # a store that is not there is reported, not fatal
                print(f"{store}: skipped ({type(exc).__name__}: {exc})")
    cols = [
        "store",
        "enqueue_per_s",
        "burst_per_s",
        "burst_p50_ms",
        "burst_p95_ms",
        "idle_p50_ms",
        "idle_max_ms",
    ]
    print(" | ".join(cols))
    for row in rows:
        print(" | ".join(str(row[c]) for c in cols))
    for row in rows:
        print(json.dumps(row))


if __name__ == "__main__":
    main()
