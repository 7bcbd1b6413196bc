"""Each workflow's docs page carries the state diagram and action table generated from its table."""

from __future__ import annotations

from innobridge.cli.docs import load_workflows, workflow_pages


def test_every_workflow_page_is_current() -> None:
    assert "introduction" in load_workflows()
    stale = [
        str(path)
        for path, text in workflow_pages().items()
        if not path.exists() or path.read_text("utf-8") != text
    ]
    assert not stale, f"stale workflow docs {stale}: run `innobridge docs`"
