"""The shape of the code, for every feature present and future: no import cycle among our modules;
each manifest feature has the parts it declares and declares the parts it has; services, rules,
policies, models and schemas know no HTTP; core knows no feature; the engine knows nothing of ours."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest
import typer
from fastapi import APIRouter

from innobridge import features
from innobridge.cli.main import CORE_COMMANDS
from innobridge.core import migrate
from innobridge.web.render import environment

SRC = Path(features.__file__).resolve().parent
# Top-level packages that are the platform, not features (a new feature folder must be in the manifest).
PLATFORM = {"core", "search", "index", "web", "cli", "demo", "migrations"}
# What a feature's use cases and pure rules may never reach, directly or through other modules.
NO_HTTP = ("fastapi", "starlette", "innobridge.web", "innobridge.cli")
INNER = ("service", "rules", "policy", "models", "schemas")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("innobridge", include_external_packages=True, cache_dir=None)


def ours(graph: grimp.ImportGraph) -> set[str]:
    return {m for m in graph.modules if m == "innobridge" or m.startswith("innobridge.")}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_among_our_modules(graph: grimp.ImportGraph) -> None:
    # grimp reads imports inside functions too, so a cycle hidden by a function-level import counts.
    modules = ours(graph)
    edges = {m: graph.find_modules_directly_imported_by(m) & modules for m in modules}
    assert cycles(edges) == []


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(edges) == [["a", "b", "c"]]


def _exists(dotted: str) -> bool:
    return importlib.util.find_spec(dotted.partition(":")[0]) is not None


def _conventional_place(feature: features.Feature, part: features.Part) -> Path:
    if part == "cli":
        return SRC / "cli" / f"{feature.name.replace('.', '_')}.py"
    return feature.folder / part


@pytest.mark.parametrize("feature", features.FEATURES, ids=lambda f: f.name)
def test_every_declared_part_exists_with_its_shape(feature: features.Feature) -> None:
    for part in sorted(feature.parts):
        if part == "templates":
            assert feature.templates is not None and any(feature.templates.glob("*.html")), feature
            continue
        path = feature.module(part)
        assert path is not None and _exists(path), f"{feature.name}: {part} ({path}) is missing"
        loaded = features.load(path)
        if part in ("api", "pages"):
            assert isinstance(loaded, APIRouter), path
        if part == "cli":
            assert isinstance(loaded, typer.Typer), path


@pytest.mark.parametrize("feature", features.FEATURES, ids=lambda f: f.name)
def test_every_part_a_feature_has_is_declared(feature: features.Feature) -> None:
    # A file in a feature's conventional place that the manifest does not name would be silently unwired.
    for part in features.PARTS:
        place = _conventional_place(feature, part)
        present = (
            place.is_dir() if part == "templates" else (place.is_dir() or place.with_suffix(".py").exists())
        )
        assert present == feature.has(part), f"{feature.name}: {part} present={present} in {place}"


def test_every_feature_folder_is_in_the_manifest() -> None:
    folders = {p.parent.name for p in SRC.glob("*/__init__.py")}
    names = {f.name.split(".")[0] for f in features.FEATURES}  # a group's features share its folder
    assert folders - PLATFORM <= names, "a feature folder missing from innobridge/features.py"
    assert names <= folders, "a manifest line without its folder"
    for f in features.FEATURES:
        assert (f.folder / "__init__.py").exists(), f"{f.name}: no package at {f.folder}"


def test_a_feature_in_a_group_is_named_with_a_dot() -> None:
    vouchers = features.feature("programmes.vouchers", "models pages templates cli")
    assert vouchers.module("models") == "innobridge.programmes.vouchers.models"
    assert vouchers.module("pages") == "innobridge.programmes.vouchers.pages:router"
    assert vouchers.module("cli") == "innobridge.cli.programmes_vouchers:commands"
    assert vouchers.templates == SRC / "programmes" / "vouchers" / "templates"


def test_manifest_names_are_unique_and_parts_known() -> None:
    names = [f.name for f in features.FEATURES]
    assert len(names) == len(set(names))
    with pytest.raises(ValueError, match="unknown parts"):
        features.feature("x", "models widgets")


def test_migrations_see_every_features_tables() -> None:
    assert set(features.modules("models")) <= set(migrate.model_modules())
    tables = migrate.all_metadata().tables
    assert {"organisations", "introductions"} <= set(tables)


@pytest.mark.parametrize(
    "feature", [f for f in features.FEATURES if f.has("templates")], ids=lambda f: f.name
)
def test_every_feature_template_compiles_under_its_prefix(feature: features.Feature) -> None:
    assert feature.templates is not None
    for template in sorted(feature.templates.glob("*.html")):
        environment().get_template(f"{feature.name}/{template.name}")  # raises on a missing include


@pytest.mark.parametrize("feature", features.FEATURES, ids=lambda f: f.name)
def test_feature_services_rules_models_know_no_http(
    graph: grimp.ImportGraph, feature: features.Feature
) -> None:
    inner = [m for m in (f"{feature.package}.{part}" for part in INNER) if m in graph.modules]
    assert inner, f"{feature.name} has none of {INNER}"
    for module in inner:
        for forbidden in NO_HTTP:
            if forbidden in graph.modules:
                chain = graph.find_shortest_chain(module, forbidden, as_packages=True)
                assert chain is None, f"{module} reaches {forbidden}: {' -> '.join(chain or ())}"


def test_core_knows_no_feature_and_the_engine_nothing_of_ours(graph: grimp.ImportGraph) -> None:
    above_core = [f.package for f in features.FEATURES] + [
        "innobridge.web",
        "innobridge.cli",
        "innobridge.features",
    ]
    for target in above_core:
        assert not graph.chain_exists("innobridge.core", target, as_packages=True), target
    search = {m for m in ours(graph) if m.startswith("innobridge.search")}
    for module in search:
        outside = {m for m in graph.find_modules_directly_imported_by(module) if m.startswith("innobridge")}
        assert outside <= search, f"{module} imports {outside - search}"


def test_every_command_module_is_registered_once_and_no_command_name_is_taken_twice() -> None:
    helpers = {"__init__", "__main__", "main", "common"}
    stems = {p.stem for p in (SRC / "cli").glob("*.py")} - helpers
    modules = {f"innobridge.cli.{stem}:commands" for stem in stems}
    registered = [*CORE_COMMANDS, *features.modules("cli")]
    assert sorted(registered) == sorted(modules), "a command module missing from cli/main.py or the manifest"
    names: list[str] = []
    for path in registered:
        group = features.load(path)
        names += [c.name or (c.callback.__name__ if c.callback else "") for c in group.registered_commands]
        names += [g.name or "" for g in group.registered_groups]
    assert len(names) == len(set(names)), f"a command name used twice: {sorted(names)}"
