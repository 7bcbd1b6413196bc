"""Every feature's `search.INDEX`, gathered through the manifest: which entities are indexed (and how),
and which are deliberately not."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from innobridge import features
from innobridge.core import notifications
from innobridge.core.documents import FeatureIndex, Source


@dataclass(frozen=True)
class Catalogue:
    sources: dict[str, Source]
    unindexed: dict[str, str]

    @property
    def entities(self) -> tuple[str, ...]:
        """Indexed entities in manifest order (a rebuild goes through them in this order)."""
        return tuple(self.sources)


def gather(indexes: list[FeatureIndex]) -> Catalogue:
    sources: dict[str, Source] = {}
    unindexed: dict[str, str] = {}
    for index in indexes:
        for source in index.sources:
            if source.entity in sources or source.entity in index.unindexed:
                raise ValueError(f"entity {source.entity!r} is declared twice in the search catalogue")
            sources[source.entity] = source
        for entity, why in index.unindexed.items():
            if entity in sources or entity in unindexed:
                raise ValueError(f"entity {entity!r} is declared twice in the search catalogue")
            unindexed[entity] = why
    return Catalogue(sources, unindexed)


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The catalogue of the features in the manifest (each feature's `search` part)."""
    # core's notifications announce outbox rows to the job queue through the same listeners
    return gather([notifications.SEARCH_INDEX, *(module.INDEX for module in features.load_all("search"))])
