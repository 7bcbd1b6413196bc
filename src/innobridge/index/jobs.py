"""The index's jobs, run by the one process that writes the index (the job worker; docs/serving.md).

- `index.apply`: refresh the records another process changed (queued by `service.forward`, batched);
- `index.sweep`: every minute and when a worker starts, refresh records updated since the last sweep,
  so a lost job or a write made while no writer ran (a CLI import) still reaches the index (the
  server's and the worker's writer also sweep every few seconds on a thread: `start_following`);
- `index.reconcile`: hourly, delete documents whose records are gone (deletions the sweep cannot see);
- `index.rebuild`: `innobridge index --rebuild` while a server holds the index; the result is left in
  a small file the command waits for;
- `index.build_vectors`: encode pending documents (also what `matching.build_vectors` does).
"""

from __future__ import annotations

import json
from typing import Any

from innobridge.core import jobs
from innobridge.core.context import Context
from innobridge.index import service as indexing

REBUILD_JOB = "index.rebuild"


@jobs.background(indexing.APPLY_JOB)
def apply_changes(ctx: Context, *, changes: list[list[Any]]) -> int:
    return indexing.apply_pairs(ctx, changes)


@jobs.periodic("index.sweep", "minute", at_start=True)
def sweep(ctx: Context) -> int:
    index = indexing.install(ctx, start_vectors=False)
    if not index.writer:
        return 0
    done = index.sweep()
    index.start_vectors()
    return done


@jobs.periodic("index.reconcile", "hour")
def reconcile(ctx: Context) -> int:
    """Drop documents of records deleted behind the writer's back (the sweep sees updates only)."""
    index = indexing.install(ctx, start_vectors=False)
    return index.reconcile() if index.writer else 0


@jobs.background(REBUILD_JOB)
def rebuild(ctx: Context, *, token: str) -> int:
    """Rebuild in the writer and record the outcome under search/rebuilds/<token>.json."""
    folder = ctx.settings.search_dir / "rebuilds"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        count = indexing.rebuild(ctx)
    except Exception as exc:
        (folder / f"{token}.json").write_text(json.dumps({"error": str(exc)}), encoding="utf-8")
        raise
    (folder / f"{token}.json").write_text(json.dumps({"count": count}), encoding="utf-8")
    indexing.install(ctx, start_vectors=False).start_vectors()
    return count


@jobs.background("index.build_vectors")
def build_vectors(ctx: Context) -> int:
    index = indexing.install(ctx, start_vectors=False)
    if not index.writer:
        return 0
    done = 0
    while index.pending_vectors() > 0:
        built = index.build_vectors()
        if built == 0:
            break
        done += built
    return done
