"""With an encoder: vectors are built on a background thread after commit; matches then say so."""

from __future__ import annotations

import hashlib
import time

import numpy as np
import numpy.typing as npt
from tests.integration.matching.factories import create

from innobridge.core.context import Context
from innobridge.core.principal import ANONYMOUS
from innobridge.index import service as indexing
from innobridge.matching import service
from innobridge.search.engine import SearchEngine


class BigramEncoder:
    """Deterministic toy encoder: character bigrams hashed into 64 dimensions."""

    name = "test-bigram-64"
    dim = 64

    def _vec(self, text: str) -> npt.NDArray[np.float32]:
        v = np.zeros(self.dim, dtype=np.float32)
        for i in range(len(text) - 1):
            h = int.from_bytes(hashlib.sha256(text[i : i + 2].encode()).digest()[:4], "little")
            v[h % self.dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.stack([self._vec(t) for t in texts])

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return np.stack([self._vec(t) for t in texts])


def test_vectors_follow_commits_in_the_background(ctx: Context) -> None:
    index = indexing.install(ctx, engine=SearchEngine(None, encoder=BigramEncoder()))
    try:
        create(ctx, "achievement", kind="patent", title="高温超导薄膜低温制备方法")
        create(ctx, "achievement", kind="paper", title="玉米病害图像识别")
        deadline = time.monotonic() + 10
        while index.pending_vectors() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert index.pending_vectors() == 0
        with ctx.session() as s:
            out = service.match_text(s, actor=ANONYMOUS, index=index, text="超导薄膜的制备")
        assert out.dense
        top = out.achievements[0]
        assert top.title == "高温超导薄膜低温制备方法"
        assert top.explanation is not None and top.explanation.dense_score is not None
        assert "matching.reason.semantic" in {r.key for r in top.reasons}
    finally:
        index.close()
