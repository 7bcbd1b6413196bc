"""The `innobridge` command line (console script `innobridge = "innobridge.cli:app"`).

`main.py` builds the Typer app from the command modules it lists; each module holds one area's
commands (`registry.py`, `matching.py`, `users.py`, …). Adding commands is a module plus one line there
(a feature's module is named in `innobridge/features.py` instead).
"""

from __future__ import annotations

from innobridge.cli.main import app
from innobridge.cli.registry import schemas_markdown

# Not `main` too: the name would hide the submodule `innobridge.cli.main` (CORE_COMMANDS lives there).
__all__ = ["app", "schemas_markdown"]
