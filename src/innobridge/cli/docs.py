"""`innobridge docs`: write the generated parts of docs/ (workflow pages with their state diagrams)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from innobridge import features
from innobridge.core.workflow import WORKFLOWS, render_docs_page

commands = typer.Typer()
DOCS = Path(__file__).resolve().parents[3] / "docs"


def load_workflows() -> dict[str, object]:
    """Every feature's workflows (declaring one registers it; services declare theirs)."""
    for f in features.FEATURES:
        features.load(f"{f.package}.service")
    return dict(WORKFLOWS)


def workflow_pages(docs: Path = DOCS) -> dict[Path, str]:
    """docs/workflows/<name>.md → its text with the generated block brought up to date."""
    load_workflows()
    out = {}
    for name, wf in sorted(WORKFLOWS.items()):
        path = docs / "workflows" / f"{name}.md"
        current = path.read_text(encoding="utf-8") if path.exists() else None
        out[path] = render_docs_page(wf, current)
    return out


@commands.command("docs")
def write_docs(docs: Annotated[Path, typer.Option(help="The docs folder")] = DOCS) -> None:
    """Regenerate the workflow pages (state diagrams and action tables) · 生成流程文档."""
    for path, text in workflow_pages(docs).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        typer.echo(f"{'updated' if changed else 'current'}: {path}")
