"""Helpers shared by matching's use cases: loading registry rows by (entity, id), titles, owners."""

from __future__ import annotations

from innobridge.matching.models import CandidateKind
from innobridge.registry import search as registry_search

# Candidate lists of a need, in the order pages show them: output field → document kind.
NEED_LISTS = {
    "achievements": CandidateKind.achievement,
    "experts": CandidateKind.person,
    "institutions": CandidateKind.organisation,
    "instruments": CandidateKind.instrument,
}
PER_OWNER = 2  # at most this many results of one organisation in a list
_DEPTH_FACTOR = 5  # candidates fetched per list before diversification: per_kind × this (at least 50)
_QUERY_TEXT_CHARS = 600  # a long description adds little beyond its start and slows BM25
# Code schemes whose overlap with the query is shown as a reason.
_CODE_SCHEMES = {k: registry_search.ANCESTORS[k] for k in ("discipline", "industry", "region")}
