"""The Typer app behind the `innobridge` command: gathered from one module per area.

A command module defines `commands = typer.Typer()` and decorates its commands on it; the app merges
them (`add_typer` without a name adds the commands at the top level). Modules here serve the whole
platform; each feature's module is named in the manifest (`innobridge/features.py`, part "cli").
"""

from __future__ import annotations

import typer

from innobridge import features

# Platform-wide command modules (a new one is one line here); features' modules follow from the manifest.
CORE_COMMANDS = (
    "innobridge.cli.server:commands",  # init, serve
    "innobridge.cli.demo:commands",  # demo
    "innobridge.cli.users:commands",  # user create, user token
    "innobridge.cli.eval:commands",  # eval (search quality on a BEIR folder; no database)
    "innobridge.cli.jobs:commands",  # worker, mail test
    "innobridge.cli.docs:commands",  # docs (generated workflow pages)
)

app = typer.Typer(
    help="InnoBridge 科创桥 — science-and-technology innovation services.", no_args_is_help=True
)
for _path in (*CORE_COMMANDS, *features.modules("cli")):
    app.add_typer(features.load(_path))
features.load_all("messages")  # the i18n catalogue holds every feature's texts


def main() -> None:  # pragma: no cover - console entry
    app()
