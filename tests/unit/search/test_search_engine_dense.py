"""SearchEngine-only dense behaviour: cache, resume, fusion (shared: test_search_backends.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
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


def _mean_of(e: SearchEngine, ids: list[str], toy_encoder: ToyEncoder, corpus: list[Document]) -> np.ndarray:
    from innobridge.search.encoders import passage_text

    by_id = {d.id: d for d in corpus}
    return np.mean([toy_encoder._vec(passage_text(by_id[i])) for i in ids], axis=0)


def test_the_centroid_follows_writes_and_reopening(
    tmp_path: Path, corpus: list[Document], toy_encoder: ToyEncoder
) -> None:
    e = SearchEngine(tmp_path, encoder=toy_encoder)
    assert e.dense.centroid() is None
    e.upsert(corpus)
    e.build_vectors()
    all_ids = [d.id for d in corpus]
    np.testing.assert_allclose(e.dense.centroid(), _mean_of(e, all_ids, toy_encoder, corpus), atol=1e-6)
    changed = replace(corpus[0], text="全新的摘要文本")
    e.upsert([changed])
    e.build_vectors()
    e.delete(["person:3"])
    kept = [changed, *(d for d in corpus[1:] if d.id != "person:3")]
    expected = _mean_of(e, [d.id for d in kept], toy_encoder, kept)
    np.testing.assert_allclose(e.dense.centroid(), expected, atol=1e-6)
    e.close()
    again = SearchEngine(tmp_path, encoder=toy_encoder)
    np.testing.assert_allclose(again.dense.centroid(), expected, atol=1e-6)
    again.clear()
    assert again.dense.centroid() is None
    again.close()
