"""One writer, many readers: an engine that only reads sees what another process's engine wrote on the
same directory (tantivy commits through its reader, vectors and deletions through DenseIndex.refresh)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from innobridge.search.engine import SearchEngine
from innobridge.search.types import Query

from .conftest import ToyEncoder

ROOT = Path(__file__).resolve().parents[3]

WRITER = textwrap.dedent(
    """
    import importlib.util, sys
    from pathlib import Path
    spec = importlib.util.spec_from_file_location("c", sys.argv[2])
    c = importlib.util.module_from_spec(spec); spec.loader.exec_module(c)
    from innobridge.search.engine import SearchEngine
    engine = SearchEngine(Path(sys.argv[1]), encoder=c.ToyEncoder())
    step = sys.argv[3]
    if step == "write":
        engine.upsert(c.CORPUS)
        engine.build_vectors()
    else:
        engine.delete([c.CORPUS[0].id])
    engine.close()
    """
)


def _write(tmp_path: Path, step: str) -> None:
    conftest = Path(__file__).with_name("conftest.py")
    subprocess.run(
        [sys.executable, "-c", WRITER, str(tmp_path), str(conftest), step], check=True, cwd=ROOT, timeout=120
    )


def _wait(predicate: object, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_a_reader_follows_another_process_writes_and_deletes(tmp_path: Path) -> None:
    reader = SearchEngine(tmp_path, encoder=ToyEncoder())  # opened first, before anything is written
    assert reader.count() == 0 and reader.dense.vector_count() == 0
    lexical = Query(text="超导薄膜", mode="lexical")
    assert reader.search(lexical).hits == []  # remembered until the index changes

    _write(tmp_path, "write")
    assert reader.search(lexical).hits, "a remembered result outlived another process's commit"
    assert _wait(lambda: reader.count() > 0), "tantivy's reader did not see the other process's commit"
    reader.follow()
    total = reader.count()
    assert reader.dense.vector_count() == total
    dense = reader.search(Query(text="超导薄膜", mode="dense", limit=3))
    assert dense.hits, "no vectors were taken in from the writer"

    _write(tmp_path, "delete")
    assert _wait(lambda: reader.count() == total - 1)
    reader.follow()
    assert reader.dense.vector_count() == total - 1
    hits = reader.search(Query(text="超导薄膜", mode="dense", limit=50)).hits
    assert "achievement:1" not in {h.id for h in hits}
    assert reader.follow() == 0  # nothing new: one pragma, nothing loaded
    reader.close()


def test_query_encodings_are_remembered(toy_encoder: ToyEncoder) -> None:
    from .conftest import CORPUS

    engine = SearchEngine(None, encoder=toy_encoder)
    engine.upsert(CORPUS)
    engine.build_vectors()
    before = toy_encoder.queries_encoded
    for _ in range(3):
        engine.search(Query(text="超导薄膜", mode="hybrid"))
    assert toy_encoder.queries_encoded == before + 1
    engine.search(Query(text="超导薄膜", mode="lexical"))  # a lexical search encodes nothing
    assert toy_encoder.queries_encoded == before + 1
