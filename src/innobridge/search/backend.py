"""The index-backend interface: what the rest of InnoBridge may call on a search index.

Two implementations: `innobridge.search.engine.SearchEngine` (embedded: tantivy + a vector file under the
data directory; the default) and `innobridge.search.milvus.MilvusBackend` (a Milvus server or Milvus Lite
file, for deployments that outgrow one machine). Both take `Document`s and answer `Query`s with the same
`SearchResult`s, so matching, registry search, the API and the pages never know which one runs.
Both run the same hybrid pipeline (`innobridge.search.pipeline.HybridSearch.search`) over their own
primitives, so ranking, fusion, totals and explanations are one piece of code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, runtime_checkable

from innobridge.search.types import Document, Encoder, Query, SearchResult

Progress = Callable[[int, int], None]  # (done, total)


@runtime_checkable
class SearchBackend(Protocol):
    """A persistent document index with lexical, dense and hybrid search."""

    encoder: Encoder | None  # None: lexical search only

    def upsert(self, docs: Sequence[Document], *, commit: bool = True) -> None:
        """Add or replace documents (the last of a repeated id wins); searchable lexically on return
        when `commit` is true. Vectors are built later by `build_vectors`."""
        ...

    def commit(self) -> None:
        """Make earlier `upsert(..., commit=False)` calls visible to searches."""
        ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def clear(self) -> None:
        """Remove every document (vectors too; the embedding cache may keep them)."""
        ...

    def close(self) -> None: ...

    def count(self) -> int:
        """Documents in the index."""
        ...

    def pending_vectors(self) -> int:
        """Documents whose vectors are not built yet (0 without an encoder)."""
        ...

    def build_vectors(self, *, batch_size: int = 32, progress: Progress | None = None) -> int:
        """Encode pending documents; resumable after an interruption. Returns how many were processed."""
        ...

    def add_terms(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Bilingual domain terms, (English, Chinese), for translating English queries; returns how
        many were kept. Kept in memory: add them again after a restart."""
        ...

    def search(self, query: Query) -> SearchResult:
        """Filters, kinds, facets, explanations and modes as documented in docs/search-engine.md."""
        ...
