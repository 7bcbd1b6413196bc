"""Helpers for the engine's tests: a deterministic toy encoder and a tiny bilingual corpus."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt
import pytest

from innobridge.search.types import Document


class ToyEncoder:
    """Bag of character bigrams hashed into 64 dimensions; counts how many passages it encoded."""

    name = "toy-bigram-64"
    dim = 64

    def __init__(self) -> None:
        self.passages_encoded = 0
        self.queries_encoded = 0

    def _vec(self, text: str) -> npt.NDArray[np.float32]:
        v = np.zeros(self.dim, dtype=np.float32)
        t = text.lower()
        for i in range(len(t) - 1):
            h = int.from_bytes(hashlib.md5(t[i : i + 2].encode()).digest()[:4], "little")  # noqa: S324
            v[h % self.dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.queries_encoded += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.passages_encoded += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


@pytest.fixture
def toy_encoder() -> ToyEncoder:
    return ToyEncoder()


CORPUS = [
    Document(
        id="achievement:1",
        kind="achievement",
        title="一种高温超导薄膜的低温制备方法",
        text="本发明公开了一种超导材料薄膜的制备工艺，可用于量子计算器件。",
        keywords=("超导薄膜", "量子器件"),
        codes={"ipc": ["H01L"], "discipline": ["140"], "region": ["310104"], "visibility": ["public"]},
        numbers={"year": 2021, "trl": 5},
    ),
    Document(
        id="achievement:2",
        kind="achievement",
        title="Deep learning for maize disease detection",
        text="Convolutional networks detect leaf blight in maize fields from drone images.",
        keywords=("crop protection",),
        codes={"ipc": ["G06N"], "discipline": ["520"], "region": ["620100"], "visibility": ["public"]},
        numbers={"year": 2023, "trl": 3},
    ),
    Document(
        id="person:3",
        kind="person",
        title="張三 教授",
        text="研究方向：超導材料、量子器件與低溫物理。",
        codes={"region": ["110000"], "visibility": ["registered"]},
        numbers={"year": 2020},
    ),
    Document(
        id="need:4",
        kind="need",
        title="玉米病害智能识别",
        text="我公司需要基于图像的玉米叶斑病识别技术，用于田间巡检。",
        codes={"industry": ["A01"], "region": ["620100"], "visibility": ["public"]},
        numbers={"year": 2024},
    ),
    Document(
        id="achievement:5",
        kind="achievement",
        title="锂电池正极材料回收工艺",
        text="从废旧锂离子电池中回收钴、镍和锂，回收率超过95%。",
        keywords=("电池回收",),
        codes={"ipc": ["H01M"], "industry": ["C38"], "region": ["310104"], "visibility": ["public"]},
        numbers={"year": 2022, "trl": 7},
    ),
]


@pytest.fixture
def corpus() -> list[Document]:
    return list(CORPUS)
