"""SearchEngine-only dense behaviour: cache, resume, fusion (shared: test_search_backends.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from innobridge.search.engine import SearchEngine
from innobridge.search.types import Document, Query

from .conftest import ToyEncoder


def test_unchanged_text_is_never_encoded_twice(
    tmp_path: Path, corpus: list[Document], toy_encoder: ToyEncoder
) -> None:
    e = SearchEngine(tmp_path, encoder=toy_encoder)
    e.upsert(corpus)
    e.build_vectors()
    assert toy_encoder.passages_encoded == 5
    e.upsert(corpus)  # the same text again
    assert e.pending_vectors() == 0
    e.upsert([replace(corpus[0], text="新的摘要")])
    assert e.pending_vectors() == 1
    e.build_vectors()
    assert toy_encoder.passages_encoded == 6
    e.delete(["achievement:1"])
    e.upsert([corpus[0]])  # back to the old text: its vector is in the cache
    assert e.pending_vectors() == 0
    assert toy_encoder.passages_encoded == 6
    e.close()


def test_interrupted_build_resumes_after_restart(
    tmp_path: Path, corpus: list[Document], toy_encoder: ToyEncoder
) -> None:
    e = SearchEngine(tmp_path, encoder=toy_encoder)
    e.upsert(corpus)

    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        e.build_vectors(batch_size=2, progress=stop_after_first_batch)
    e.close()
    again = SearchEngine(tmp_path, encoder=toy_encoder)
    assert again.pending_vectors() == 3
    assert again.build_vectors(batch_size=2) == 3
    assert toy_encoder.passages_encoded == 5
    assert again.search(Query(text="废旧锂离子电池回收率", mode="dense")).hits[0].id == "achievement:5"
    again.close()


def test_vectors_survive_reopening(tmp_path: Path, corpus: list[Document], toy_encoder: ToyEncoder) -> None:
    e = SearchEngine(tmp_path, encoder=toy_encoder)
    e.upsert(corpus)
    e.build_vectors()
    e.close()
    again = SearchEngine(tmp_path, encoder=ToyEncoder())
    assert again.pending_vectors() == 0
    assert again.search(Query(text="废旧锂离子电池回收率", mode="dense")).hits[0].id == "achievement:5"
    again.close()


def test_deleted_documents_leave_the_vector_index(corpus: list[Document], toy_encoder: ToyEncoder) -> None:
    e = SearchEngine(None, encoder=toy_encoder)
    e.upsert(corpus)
    e.build_vectors()
    e.delete(["achievement:5"])
    assert "achievement:5" not in [h.id for h in e.search(Query(text="锂离子电池回收率", mode="dense")).hits]


def test_background_build_completes(corpus: list[Document], toy_encoder: ToyEncoder) -> None:
    e = SearchEngine(None, encoder=toy_encoder)
    e.upsert(corpus)
    thread = e.build_vectors_in_background(batch_size=1)
    assert e.search(Query(text="锂电池回收")).hits[0].id == "achievement:5"  # search works meanwhile
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert e.pending_vectors() == 0
