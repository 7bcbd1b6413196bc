"""The `innobridge` command line (console script `innobridge = "innobridge.cli:app"`).

`main.py` builds the Typer app from the command modules it lists; each module holds one area's
commands (`registry.py`, `matching.py`, `users.py`, …). Adding commands is a module plus one line there
(a feature's module is named in `innobridge/features.py` instead).
"""

from __future__ import annotations

from innobridge.cli.main import app, main
from innobridge.cli.registry import schemas_markdown

__all__ = ["app", "main", "schemas_markdown"]
