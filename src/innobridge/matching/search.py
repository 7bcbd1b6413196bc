"""What matching puts in the search index: nothing of its own. Introductions are workflow items, found
through the managers' work queue and each side's lists, not through search."""

from __future__ import annotations

from innobridge.core.documents import FeatureIndex

INDEX = FeatureIndex(
    unindexed={"introduction": "a workflow item between two records; listed, never searched"},
)
