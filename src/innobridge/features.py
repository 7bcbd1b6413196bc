"""The feature manifest: one line per feature; migrations, the app, pages, templates, the CLI and the
i18n catalogue read it. Adding a feature is its folder plus one line in FEATURES.

Every feature has the same shape (docs/architecture.md); the line names which parts this one has, and
each part's place follows from the feature's name:

| part      | where                                        |
|-----------|----------------------------------------------|
| models    | `innobridge.<name>.models` (tables)          |
| api       | `innobridge.<name>.api:router` (JSON routes) |
| pages     | `innobridge.<name>.pages:router` (HTML)      |
| templates | `innobridge/<name>/templates/` (Jinja)       |
| cli       | `innobridge.cli.<name>:commands` (Typer)     |
| search    | `innobridge.<name>.search` (what it indexes) |
| jobs      | `innobridge.<name>.jobs`                     |
| messages  | `innobridge.<name>.messages` (zh/en keys)    |

A feature inside a group is named with a dot (`programmes.vouchers` is `innobridge/programmes/vouchers/`,
its commands `innobridge.cli.programmes_vouchers`, its templates `"programmes.vouchers/…"`).

Only import paths live here, never imports of the features themselves: reading the manifest loads
nothing, so `core` (which must not import features) can be handed these strings, and a broken
feature fails where it is loaded, with its own traceback.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Part = Literal["models", "api", "pages", "templates", "cli", "search", "jobs", "messages"]
PARTS: tuple[Part, ...] = ("models", "api", "pages", "templates", "cli", "search", "jobs", "messages")
PACKAGE = "innobridge"
ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Feature:
    name: str
    parts: frozenset[Part]

    def has(self, part: Part) -> bool:
        return part in self.parts

    def module(self, part: Part) -> str | None:
        """The import path of this feature's `part` ("module" or "module:attribute"), if it has one."""
        if part not in self.parts or part == "templates":
            return None
        return {
            "api": f"{self.package}.api:router",
            "pages": f"{self.package}.pages:router",
            "cli": f"{PACKAGE}.cli.{self.name.replace('.', '_')}:commands",
        }.get(part, f"{self.package}.{part}")

    @property
    def package(self) -> str:
        return f"{PACKAGE}.{self.name}"

    @property
    def folder(self) -> Path:
        return ROOT.joinpath(*self.name.split("."))

    @property
    def templates(self) -> Path | None:
        return self.folder / "templates" if "templates" in self.parts else None


def feature(name: str, parts: str) -> Feature:
    """`feature("registry", "models api pages …")`: a manifest line."""
    unknown = set(parts.split()) - set(PARTS)
    if unknown:
        raise ValueError(f"feature {name}: unknown parts {sorted(unknown)}; known: {PARTS}")
    return Feature(name, frozenset(parts.split()))  # type: ignore[arg-type]


FEATURES: tuple[Feature, ...] = (
    feature("registry", "models api pages templates cli search messages"),
    feature("index", "api pages templates jobs messages"),
    feature("matching", "models api pages templates cli search jobs messages"),
    feature("transfer", "models api pages templates search messages"),
)


def modules(part: Part) -> list[str]:
    """The import paths of every feature's `part`, in manifest order."""
    return [m for f in FEATURES if (m := f.module(part)) is not None]


def load(path: str) -> Any:
    """Import "module" (the module) or "module:attribute" (the attribute)."""
    module, _, attr = path.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, attr) if attr else loaded


def load_all(part: Part) -> list[Any]:
    """Every feature's `part`, loaded (routers, Typer apps, modules)."""
    return [load(path) for path in modules(part)]
