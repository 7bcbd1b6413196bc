"""What transfer puts in the search index: nothing. Contracts are workflow items between two parties,
found through each side's list and the officers' registration queue, never through search."""

from __future__ import annotations

from innobridge.core.documents import FeatureIndex

INDEX = FeatureIndex(
    unindexed={"contract": "a workflow item between two parties; listed, never searched"},
)
