"""What a feature declares it puts in the search index (its `search.py` exposes `INDEX`).

The index glue (`innobridge.index`) gathers every feature's declaration through the manifest, so a new
feature is searchable with no edit elsewhere, and an entity that changes but is deliberately not
searchable is declared as such (`unindexed`) instead of being dropped in silence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from innobridge.search.types import Document


@dataclass(frozen=True)
class Source:
    """One indexed entity: its table and the function that turns a row into a Document (None: keep
    the row out of the index, e.g. a merged duplicate)."""

    entity: str
    model: Any
    document: Callable[[Any], Document | None]


@dataclass(frozen=True)
class FeatureIndex:
    sources: tuple[Source, ...] = ()
    # Entities whose changes the index hears of but deliberately does not index: entity → why.
    unindexed: Mapping[str, str] = field(default_factory=dict)


def doc_id(entity: str, record_id: int) -> str:
    return f"{entity}:{record_id}"


def parse_doc_id(value: str) -> tuple[str, int]:
    entity, _, rid = value.partition(":")
    return entity, int(rid)
