"""The registry's commands: import, export, schema, stats, codes, dedup."""

from __future__ import annotations

import enum
import json
import types
import typing
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from innobridge.cli.common import console, fail, open_context, progress_bar
from innobridge.core.config import get_settings
from innobridge.core.errors import AppError
from innobridge.core.principal import SYSTEM
from innobridge.registry import codes as code_lists
from innobridge.registry import dedup as dd
from innobridge.registry import exporting, files, importing, service
from innobridge.registry.entities import ORDER, SPECS, spec_for

commands = typer.Typer()
EntityArg = Annotated[str, typer.Argument(help=f"One of: {', '.join(ORDER)}")]


@commands.command("import")
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
    settings = get_settings()
    limits = importing.limits_from(settings)
    try:
        spec = spec_for(entity)
        table = files.read_table(file, limits)
    except (AppError, files.FileUnreadable) as exc:
        fail(exc, 2)
    ctx = open_context()
    try:
        with table, progress_bar() as bar:
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
                    limits=limits,
                    progress=lambda n: bar.update(task, completed=n),
                )
                if dry_run:
                    uow.session.rollback()
    except files.FileUnreadable as exc:
        fail(exc, 2)
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


@commands.command()
def export(
    entity: EntityArg, file: Annotated[Path, typer.Argument(help="*.csv, *.xlsx, *.json or *.jsonl")]
) -> None:
    """Export records in the import schema (public, registered and internal) · 导出数据."""
    try:
        spec = spec_for(entity)
        flat = files.kind_of(file) in ("csv", "xlsx")
    except (AppError, files.FileUnreadable) as exc:
        fail(exc, 2)
    ctx = open_context()
    with ctx.session() as session:
        headers, rows = exporting.export_rows(session, actor=SYSTEM, spec=spec, flat=flat)
        n = files.write_table(file, headers, rows)
    console.print(f"{n} {spec.plural} → {file}")


@commands.command()
def schema(entity: EntityArg, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the import/export columns of an entity · 查看导入字段."""
    try:
        spec = spec_for(entity)
    except AppError as exc:
        fail(exc, 2)
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


@commands.command()
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


@commands.command("codes")
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
        fail(exc, 2)
    typer.echo(json.dumps(counts))


@commands.command()
def dedup(
    entity: Annotated[str, typer.Argument(help="organisation or person")],
    threshold: Annotated[float | None, typer.Option(help="Name similarity 0–1 (default per entity)")] = None,
    merge: Annotated[str | None, typer.Option(help="KEEP_ID:ID[,ID…] — merge these into KEEP_ID")] = None,
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail)")] = "duplicate",
) -> None:
    """List likely duplicates, or merge them (history and audit kept) · 查重与合并."""
    ctx = open_context()
    try:
        if merge:
            keep, _, rest = merge.partition(":")
            with ctx.uow() as uow:
                out = dd.merge_records(
                    uow,
                    actor=SYSTEM,
                    entity=entity,  # type: ignore[arg-type]  # checked by the service (exit 2)
                    keep_id=int(keep),
                    merge_ids=[int(x) for x in rest.split(",") if x],
                    reason=reason,
                )
            typer.echo(out.model_dump_json())
            return
        with ctx.session() as session:
            pairs = dd.find_duplicates(session, actor=SYSTEM, entity=entity, threshold=threshold)  # type: ignore[arg-type]
    except AppError as exc:
        fail(exc, 2)
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
