"""The `innobridge` command line: init, demo, serve, import, export, schema, stats, users, codes, search."""

from __future__ import annotations

import enum
import json
import sys
import types
import typing
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from innobridge.core import migrate
from innobridge.core.config import get_settings
from innobridge.core.context import Context
from innobridge.core.errors import AppError
from innobridge.core.i18n import both
from innobridge.core.principal import SYSTEM
from innobridge.registry import codes as code_lists
from innobridge.registry import exporting, files, importing, service
from innobridge.registry.entities import ORDER, SPECS, spec_for

app = typer.Typer(
    help="InnoBridge 科创桥 — science-and-technology innovation services.", no_args_is_help=True
)
user_app = typer.Typer(help="Manage users · 用户管理", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console(stderr=True)
EntityArg = Annotated[str, typer.Argument(help=f"One of: {', '.join(ORDER)}")]


def open_context(migrated: bool = True) -> Context:
    """The Context every command works in, with the schema migrated to head."""
    ctx = Context.from_settings(get_settings())
    if migrated:
        migrate.upgrade(ctx.engine)
    return ctx


def _fail(exc: AppError | files.FileUnreadable, code: int) -> None:
    params = getattr(exc, "params", {})
    console.print(f"[red]{both(exc.code, **params)}[/red]")
    raise typer.Exit(code)


@app.command()
def init() -> None:
    """Create or upgrade the database schema · 初始化/升级数据库."""
    ctx = open_context()
    console.print(f"database ready: {ctx.engine.url.render_as_string(hide_password=True)}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(8000, help="Port"),
) -> None:
    """Run the web server · 启动服务."""
    import uvicorn

    from innobridge.web.app import create_app

    uvicorn.run(create_app(open_context()), host=host, port=port, log_level="info")


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server afterwards")
    ] = False,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Load the bilingual demo data set (idempotent) · 加载演示数据."""
    from innobridge.demo.load import DEMO_USERS, load_demo

    ctx = open_context()
    counts = load_demo(ctx)
    console.print("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for user in DEMO_USERS:
        console.print(f"  demo login: {user.email} / {user.password}  ({user.role})")
    try:
        from innobridge.cli_matching import index_command
    except ImportError:  # the matching feature is optional at this layer
        index_command = None
    if index_command is not None:
        index_command(rebuild=True, vectors=False)
    if serve_after:
        serve(host=host, port=port)


def progress_bar() -> Progress:
    """A progress bar on stderr, silent when stderr is not a terminal (CI, pipes)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )


@app.command("import")
def import_(
    entity: EntityArg,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8/GBK), XLSX, JSON or JSONL")],
    report: Annotated[
        Path | None, typer.Option(help="Write rejected rows (row, field, reason) to this CSV")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and count, write nothing")] = False,
    source: Annotated[str | None, typer.Option(help="Provenance recorded on new records")] = None,
) -> None:
    """Import records; exit 0 all rows valid, 1 some rejected, 2 file unreadable · 导入数据."""
    try:
        spec = spec_for(entity)
        table = files.read_table(file)
    except (AppError, files.FileUnreadable) as exc:
        _fail(exc, 2)
    ctx = open_context()
    settings = ctx.settings
    try:
        with progress_bar() as bar:
            task = bar.add_task(f"import {spec.name}", total=table.total)
            with ctx.uow() as uow:
                result = importing.import_table(
                    uow,
                    actor=SYSTEM,
                    spec=spec,
                    table=table,
                    source=source or file.name,
                    dry_run=dry_run,
                    max_field_bytes=settings.import_max_field_bytes,
                    spreadsheet=files.kind_of(file) in ("csv", "xlsx"),
                    progress=lambda n: bar.update(task, completed=n),
                )
                if dry_run:
                    uow.session.rollback()
    except files.FileUnreadable as exc:
        _fail(exc, 2)
    for w in result.warnings:
        console.print(f"[yellow]{w}[/yellow]")
    if report is not None:
        files.write_table(report, importing.REPORT_HEADERS, importing.report_rows(result))
    for e in sorted(result.errors, key=lambda e: e.row)[:20]:
        console.print(f"  row {e.row} · {e.field}: {e.message_zh} / {e.message_en}")
    if len(result.errors) > 20:
        console.print(f"  … {len(result.errors) - 20} more (see --report)")
    typer.echo(json.dumps(result.summary(), ensure_ascii=False))
    raise typer.Exit(1 if result.rejected else 0)


@app.command()
def export(
    entity: EntityArg, file: Annotated[Path, typer.Argument(help="*.csv, *.xlsx, *.json or *.jsonl")]
) -> None:
    """Export records in the import schema (public, registered and internal) · 导出数据."""
    try:
        spec = spec_for(entity)
        flat = files.kind_of(file) in ("csv", "xlsx")
    except (AppError, files.FileUnreadable) as exc:
        _fail(exc, 2)
    ctx = open_context()
    with ctx.session() as session:
        headers, rows = exporting.export_rows(session, actor=SYSTEM, spec=spec, flat=flat)
        n = files.write_table(file, headers, rows)
    console.print(f"{n} {spec.plural} → {file}")


@app.command()
def schema(entity: EntityArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the import/export columns of an entity · 查看导入字段."""
    try:
        spec = spec_for(entity)
    except AppError as exc:
        _fail(exc, 2)
    rows = describe_schema(spec.name)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    t = RichTable(title=f"{spec.label_zh} · {spec.label_en}")
    for col in ("column", "列名", "type", "required", "description"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["column"], r["label_zh"], r["type"], "yes" if r["required"] else "", r["description"])
    Console().print(t)


def _type_name(annotation: Any) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " / ".join(m.value for m in annotation)
    if typing.get_origin(annotation) is list:
        return "list (a;b;c)"
    if args and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return _type_name(args[0]) + " (optional)"
    if typing.get_origin(annotation) is typing.Annotated:
        return _type_name(args[0])
    return getattr(annotation, "__name__", str(annotation))


def describe_schema(entity: str) -> list[dict[str, Any]]:
    spec = spec_for(entity)
    out = []
    for name, f in spec.schema_in.model_fields.items():
        out.append(
            {
                "column": name,
                "label_zh": f.title or "",
                "type": _type_name(f.annotation),
                "required": f.is_required(),
                "description": f.description or "",
            }
        )
    return out


def schemas_markdown() -> str:
    """docs/import-schemas.md, generated from the schemas (a test keeps the file in step)."""
    lines = [
        "# Import and export schemas",
        "",
        "Generated from the Pydantic schemas by `innobridge schema ENTITY` (a test keeps this file in step).",
        "Headers may be the column name or its Chinese label; lists are written `a;b;c`; references to",
        "organisations may be a credit code, a natural key (as exported) or an exact, unambiguous name.",
        "Cells starting with = + - @ are prefixed with ' on export and restored on import.",
    ]
    for name in ORDER:
        spec = SPECS[name]
        lines += [
            "",
            f"## {name} — {spec.label_zh} · {spec.label_en}",
            "",
            "| column | 列名 | type | required | description |",
            "|---|---|---|---|---|",
        ]
        for r in describe_schema(name):
            req = "yes" if r["required"] else ""
            lines.append(f"| `{r['column']}` | {r['label_zh']} | {r['type']} | {req} | {r['description']} |")
    return "\n".join(lines) + "\n"


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Record counts per entity · 数据统计."""
    ctx = open_context()
    with ctx.session() as session:
        counts = {spec.plural: service.count_records(session, spec) for spec in SPECS.values()}
    if as_json:
        typer.echo(json.dumps(counts))
    else:
        for k, v in counts.items():
            typer.echo(f"{k:15} {v}")


@app.command("codes")
def load_code_list(
    scheme: Annotated[str, typer.Argument(help=f"One of: {', '.join(code_lists.SCHEMES)}")],
    file: Path,
) -> None:
    """Load a code list (columns: code, name, name_en?, parent?, level?) · 加载代码表."""
    try:
        table = files.read_table(file)
        ctx = open_context()
        with ctx.uow() as uow:
            counts = code_lists.load_codes(uow, actor=SYSTEM, scheme=scheme, table=table)
    except (AppError, files.FileUnreadable) as exc:
        _fail(exc, 2)
    typer.echo(json.dumps(counts))


@user_app.command("create")
def user_create(
    email: str,
    name: Annotated[str, typer.Option(help="Display name")],
    role: Annotated[
        str, typer.Option(help="member, tech_manager, programme_officer, platform_admin")
    ] = "member",
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)] = "",
) -> None:
    """Create a user with a platform role · 创建用户."""
    from innobridge.core.accounts import UserIn, register_user
    from innobridge.core.users import Role

    try:
        ctx = open_context()
        with ctx.uow() as uow:
            out = register_user(
                uow, data=UserIn(email=email, name=name, password=password), role=Role(role), actor=SYSTEM
            )
    except AppError as exc:
        _fail(exc, 2)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    typer.echo(out.model_dump_json())


@user_app.command("token")
def user_token(email: str, name: Annotated[str, typer.Option(help="What the token is for")] = "cli") -> None:
    """Create an API token for a user (shown once) · 生成 API 令牌."""
    from sqlalchemy import select

    from innobridge.core.accounts import create_api_token, principal_for
    from innobridge.core.users import User

    ctx = open_context()
    with ctx.uow() as uow:
        uid = uow.session.scalar(select(User.id).where(User.email == email.lower()))
        principal = principal_for(uow.session, uid) if uid else None
        if principal is None:
            console.print("[red]no such user · 用户不存在[/red]")
            raise typer.Exit(2)
        typer.echo(create_api_token(uow, actor=principal, name=name))


@app.command()
def index(
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-index every record from the database")
    ] = False,
    vectors: Annotated[
        bool, typer.Option("--vectors", help="Build pending dense vectors now (slow on CPU)")
    ] = False,
) -> None:
    """Search index: state, rebuild, vectors · 检索索引."""
    from innobridge.cli_matching import index_command

    index_command(rebuild=rebuild, vectors=vectors)


@app.command()
def match(
    need: Annotated[int | None, typer.Option("--need", help="Id of a stored need")] = None,
    text: Annotated[str | None, typer.Option("--text", help="A need written as free text")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit: Annotated[int, typer.Option(help="Candidates per kind")] = 10,
) -> None:
    """Rank achievements, experts, institutions and instruments for a need · 需求匹配."""
    from innobridge.cli_matching import match_command

    if (need is None) == (text is None):
        console.print("[red]give exactly one of --need or --text · 请指定 --need 或 --text 之一[/red]")
        raise typer.Exit(2)
    match_command(need=need, text=text, as_json=as_json, limit=limit)


@app.command("eval")
def eval_(
    beir: Annotated[
        Path, typer.Option("--beir", help="A BEIR folder: corpus.jsonl, queries.jsonl, qrels/test.tsv")
    ],
    mode: Annotated[str, typer.Option(help="lexical, dense or hybrid")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json")] = False,
    limit_docs: Annotated[int | None, typer.Option(help="Index only the first N documents")] = None,
) -> None:
    """Evaluate retrieval quality and speed on a BEIR folder (no database) · 检索评测."""
    from innobridge.cli_eval import eval_command

    eval_command(beir=beir, mode=mode, as_json=as_json, limit_docs=limit_docs)


@app.command()
def dedup(
    entity: Annotated[str, typer.Argument(help="organisation or person")],
    threshold: Annotated[float | None, typer.Option(help="Name similarity 0–1 (default per entity)")] = None,
    merge: Annotated[str | None, typer.Option(help="KEEP_ID:ID[,ID…] — merge these into KEEP_ID")] = None,
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail)")] = "duplicate",
) -> None:
    """List likely duplicates, or merge them (history and audit kept) · 查重与合并."""
    from innobridge.registry import dedup as dd

    ctx = open_context()
    try:
        if merge:
            keep, _, rest = merge.partition(":")
            with ctx.uow() as uow:
                out = dd.merge_records(
                    uow,
                    actor=SYSTEM,
                    entity=entity,
                    keep_id=int(keep),  # type: ignore[arg-type]
                    merge_ids=[int(x) for x in rest.split(",") if x],
                    reason=reason,
                )
            typer.echo(out.model_dump_json())
            return
        with ctx.session() as session:
            pairs = dd.find_duplicates(session, actor=SYSTEM, entity=entity, threshold=threshold)  # type: ignore[arg-type]
    except AppError as exc:
        _fail(exc, 2)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    for p in pairs:
        typer.echo(
            f"{p.score:.2f} {'certain' if p.certain else 'likely ':8} #{p.a.id} {p.a.name}  ↔  "
            f"#{p.b.id} {p.b.name}   ({', '.join(p.reasons)})"
        )
    if not pairs:
        typer.echo("no candidates · 未发现疑似重复")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
