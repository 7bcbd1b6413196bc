"""SearchEngine-only dense behaviour: cache, resume, fusion (shared: test_search_backends.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from innobridge.search.engine import SearchEngine
from innobridge.search.fusion import FusionConfig
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


def test_query_vector_is_centred_by_the_index_mean(corpus: list[Document], toy_encoder: ToyEncoder) -> None:
    e = SearchEngine(None, encoder=toy_encoder, centring=0.5)
    e.upsert(corpus)
    e.build_vectors()
    q = toy_encoder.encode_queries(["超导薄膜"])[0]
    centroid = e.dense.centroid()
    assert centroid is not None
    np.testing.assert_allclose(e.dense_query(q), q - 0.5 * centroid, atol=1e-6)
    hit = next(h for h in e.search(Query(text="超导薄膜", mode="dense", explain=True)).hits)
    assert hit.explanation is not None and hit.explanation.dense_score is not None
    by_id = {d.id: d for d in corpus}
    from innobridge.search.encoders import passage_text

    raw = float(toy_encoder._vec(passage_text(by_id[hit.id])) @ q)
    assert hit.explanation.dense_score == pytest.approx(
        raw - 0.5 * float(toy_encoder._vec(passage_text(by_id[hit.id])) @ centroid), abs=1e-5
    )
    plain = SearchEngine(None, encoder=toy_encoder, centring=0.0)
    np.testing.assert_array_equal(plain.dense_query(q), q)


class ThreeWayEncoder:
    """Passages with "filler" point one way, those with "反例" the opposite way, the rest across."""

    name = "three-way"
    dim = 2

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        vecs = [[1.0, 0.0] if "filler" in t else [-1.0, 0.0] if "反例" in t else [0.0, 1.0] for t in texts]
        return np.array(vecs, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.array([[0.8, 0.6] for _ in texts], dtype=np.float32)


def test_lexical_candidates_bring_their_own_dense_scores(corpus: list[Document]) -> None:
    # dense top 2: the fillers (0.8). The two lexical hits lie outside it: achievement:5 (0.6) and the
    # counter-example (-0.8). Scored exactly, achievement:5 scales to (0.6 + 0.8) / 1.6 = 0.875, not 0.
    fusion = FusionConfig(lexical_weight=0.4, dense_weight=0.6, adaptive=False)
    e = SearchEngine(None, encoder=ThreeWayEncoder(), candidates=2, centring=0.0, fusion=fusion)
    extra = [Document(id=f"f{i}", kind="achievement", title=f"filler {i}") for i in range(2)]
    extra.append(Document(id="low", kind="achievement", title="锂电池 反例"))
    e.upsert([*corpus, *extra])
    e.build_vectors()
    lexical = [h.id for h in e.search(Query(text="锂电池回收", mode="lexical", limit=2)).hits]
    assert sorted(lexical) == ["achievement:5", "low"]
    hits = e.search(Query(text="锂电池回收", mode="hybrid", explain=True, limit=2)).hits
    mine = next(h for h in hits if h.id == "achievement:5")
    assert mine.explanation is not None and mine.explanation.dense_rank is None
    assert mine.explanation.dense_score == pytest.approx(0.6)
    lexical_part = 1.0 if lexical[0] == "achievement:5" else 0.0
    assert mine.score == pytest.approx(0.4 * lexical_part + 0.6 * 0.875)
