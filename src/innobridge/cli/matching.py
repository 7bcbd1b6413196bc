"""`innobridge index` and `innobridge match`: the commands and the plain functions behind them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import TaskID

from innobridge.cli.common import console, open_context, progress_bar
from innobridge.core.errors import AppError
from innobridge.core.i18n import both
from innobridge.core.principal import SYSTEM
from innobridge.matching.schemas import CandidateOut, MatchOut

if TYPE_CHECKING:
    from innobridge.core.context import Context
    from innobridge.index.service import IndexService

commands = typer.Typer()
err = Console(stderr=True)
_LISTS = (
    ("achievements", "科技成果 · Achievements"),
    ("experts", "专家 · Experts"),
    ("institutions", "机构 · Institutions"),
    ("instruments", "仪器设施 · Instruments"),
)


def _rebuild(index: IndexService) -> int:
    tasks: dict[str, TaskID] = {}
    with progress_bar() as bar:

        def progress(entity: str, done: int, total: int) -> None:
            if entity not in tasks:
                tasks[entity] = bar.add_task(f"index {entity}", total=total)
            bar.update(tasks[entity], completed=done)

        return index.rebuild(progress=progress)


def _rebuild_in_writer(ctx: Context, wait_s: float) -> int | None:
    """Queue `index.rebuild` for the process that holds the index (a running server or worker) and
    wait for its result file; None when it did not finish within wait_s (it stays queued)."""
    import json
    import time
    import uuid

    from innobridge.core import jobs
    from innobridge.index.jobs import REBUILD_JOB

    token = uuid.uuid4().hex
    queue = jobs.get(ctx) or jobs.install(ctx)
    queue.enqueue(REBUILD_JOB, token=token)
    result = ctx.settings.search_dir / "rebuilds" / f"{token}.json"
    print(
        "the index is held by a running server or worker: the rebuild is queued for it, waiting… · "
        "索引正由运行中的服务写入，已提交重建任务，等待完成…"
    )
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if result.exists():
            outcome = json.loads(result.read_text(encoding="utf-8"))
            result.unlink(missing_ok=True)
            if "error" in outcome:
                err.print(f"[red]rebuild failed in the index writer: {outcome['error']}[/red]")
                raise typer.Exit(1)
            return int(outcome["count"])
        time.sleep(0.5)
    return None


def index_command(rebuild: bool, vectors: bool, wait_s: float = 3600.0) -> None:
    """`innobridge index [--rebuild] [--vectors]`: rebuild the search index from the database and/or
    build the pending vectors in the foreground; without options, show the index's state. While a
    server or worker holds the index (its one writer), both are handed to it as jobs."""
    # The search engine (segmenter, vectors) loads when an index command runs, not with every command.
    from innobridge.cli.jobs import load_jobs
    from innobridge.core import jobs
    from innobridge.index import service as indexing

    ctx = open_context()
    index = indexing.install(ctx, start_vectors=False, writer=True)
    try:
        if (rebuild or vectors) and not index.acquire_writer():
            load_jobs()
            if rebuild:
                n = _rebuild_in_writer(ctx, wait_s)
                if n is None:
                    print("still queued; the index writer will rebuild when it gets to it · 重建任务仍在排队")
                else:
                    print(f"indexed {n} records · 已索引 {n} 条记录")
            if vectors:
                (jobs.get(ctx) or jobs.install(ctx)).enqueue("index.build_vectors")
                print("vectors are built by the index writer (queued) · 向量由索引写入进程构建（已排队）")
            return
        if rebuild:
            n = _rebuild(index)
            print(f"indexed {n} records · 已索引 {n} 条记录")
        if vectors:
            if index.engine.encoder is None:
                print(
                    "no encoder (settings: encoder) — search is lexical only · 未启用向量编码，仅关键词检索"
                )
            else:
                with progress_bar() as bar:
                    task = bar.add_task("vectors", total=index.pending_vectors())
                    n = index.build_vectors(progress=lambda done, total: bar.update(task, completed=done))
                print(f"encoded {n} documents · 已编码 {n} 条")
        print(
            f"documents {index.count()}, pending vectors {index.pending_vectors()}, "
            f"encoder {index.engine.encoder.name if index.engine.encoder else 'none'}"
        )
    finally:
        index.close()


def _line(c: CandidateOut) -> str:
    owner = f" — {c.owner.name_zh}" if c.owner else ""
    reasons = "；".join(r.zh for r in c.reasons)
    return f"  {c.rank:>2}. [{c.score:6.2f}] {c.title}{owner}\n      {reasons}"


def render(out: MatchOut) -> str:
    """The human-readable match report (one block per candidate list)."""
    lines = [f"query · 查询: {out.query[:120]}"]
    for field, label in _LISTS:
        items: list[CandidateOut] = getattr(out, field)
        lines.append(f"\n{label} ({len(items)})")
        lines += [_line(c) for c in items] or ["  —"]
    return "\n".join(lines)


def match_command(need: int | None, text: str | None, as_json: bool, limit: int) -> None:
    """`innobridge match --need ID | --text "…" [--json] [--limit N]`: ranked candidates per kind, with
    reasons, as the platform sees them (all records). Builds the index first when it is empty."""
    if (need is None) == (text is None) or (text is not None and not text.strip()):
        err.print("give exactly one of --need ID or --text TEXT · 请指定 --need 或 --text 之一")
        raise SystemExit(2)
    if not 1 <= limit <= 50:
        err.print("--limit must be 1–50 · --limit 取值 1–50")
        raise SystemExit(2)
    from innobridge.index import service as indexing  # loaded when matching runs (as in index_command)
    from innobridge.matching import service

    ctx = open_context()
    index = indexing.install(ctx, start_vectors=False)
    try:
        if index.count() == 0:
            err.print("the search index is empty: building it · 检索索引为空，正在构建")
            _rebuild(index)
        with ctx.session() as session:
            if need is not None:
                out = service.match_need(session, actor=SYSTEM, index=index, need_id=need, per_kind=limit)
            else:
                assert text is not None  # noqa: S101 - checked above
                out = service.match_text(session, actor=SYSTEM, index=index, text=text, per_kind=limit)
    except AppError as exc:
        err.print(both(exc.code, **exc.params))
        raise SystemExit(1) from exc
    finally:
        index.close()
    sys.stdout.write((out.model_dump_json(indent=2) if as_json else render(out)) + "\n")


@commands.command()
def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-index every record from the database")
    ] = False,
    vectors: Annotated[
        bool, typer.Option("--vectors", help="Build pending dense vectors now (slow on CPU)")
    ] = False,
) -> None:
    """Search index: state, rebuild, vectors · 检索索引."""
    index_command(rebuild=rebuild, vectors=vectors)


@commands.command()
def match(
    need: Annotated[int | None, typer.Option("--need", help="Id of a stored need")] = None,
    text: Annotated[str | None, typer.Option("--text", help="A need written as free text")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(help="Candidates per kind")] = 10,
) -> None:
    """Rank achievements, experts, institutions and instruments for a need · 需求匹配."""
    if (need is None) == (text is None):
        console.print("[red]give exactly one of --need or --text · 请指定 --need 或 --text 之一[/red]")
        raise typer.Exit(2)
    match_command(need=need, text=text, as_json=as_json, limit=limit)
