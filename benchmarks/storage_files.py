"""Stored documents: how fast an upload is spooled, recognised and stored, how fast it streams back,
and how much Python memory an upload takes (it should not grow with the file). Prints figures only.

    .venv/bin/python benchmarks/storage_files.py [--mb 50]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from innobridge.core.storage.backends import LocalStore
from innobridge.core.storage.checks import detect
from innobridge.core.storage.spool import spool

CHUNK = 64 * 1024


def _pdf_chunks(total: int) -> Iterator[bytes]:
    """A PDF-looking body of `total` bytes, in request-sized chunks, never whole in memory."""
    block = random.Random(0).randbytes(CHUNK)  # the same bytes each time: "same content again"
    yield b"%PDF-1.7\n" + block[: CHUNK - 9]
    sent = CHUNK
    while sent < total:
        n = min(CHUNK, total - sent)
        yield block[:n]
        sent += n


def _text_chunks(total: int) -> Iterator[bytes]:
    line = "技术转让合同 technology transfer contract 第 1 条\n".encode()
    block = line * (CHUNK // len(line))
    sent = 0
    while sent < total:
        piece = block if total - sent >= len(block) else b"x" * (total - sent)  # never half a character
        yield piece
        sent += len(piece)


def _mbps(n: int, seconds: float) -> str:
    return f"{n / 1e6 / seconds:7.0f} MB/s ({seconds * 1000:7.1f} ms)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50, help="size of each test file in MB")
    size = parser.parse_args().mb * 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(Path(tmp) / "files")
        print(f"file size {size / 1e6:.0f} MB, chunks of {CHUNK // 1024} KB, local store in {tmp}")
        for label, chunks in (("pdf ", _pdf_chunks), ("text", _text_chunks)):
            t0 = time.perf_counter()
            staged = spool(chunks(size), staging_dir=store.staging_dir, limit=size)
            t1 = time.perf_counter()
            found = detect(staged.path)
            t2 = time.perf_counter()
            store.put(staged)
            t3 = time.perf_counter()
            read = 0
            t4 = time.perf_counter()
            for chunk in store.open(staged.sha256):
                read += len(chunk)
            t5 = time.perf_counter()
            assert read == size and found.kind in ("pdf", "txt")
            print(f"{label} spool+sha256   {_mbps(size, t1 - t0)}")
            print(f"{label} recognise      {_mbps(size, t2 - t1)}  -> {found.kind}")
            print(f"{label} move into store {(t3 - t2) * 1000:6.2f} ms (rename)")
            print(f"{label} stream back    {_mbps(size, t5 - t4)}")
            tracemalloc.start()  # a second upload, traced (tracing slows it, so it is not timed)
            spool(chunks(size), staging_dir=store.staging_dir, limit=size).discard()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{label} peak Python memory while spooling: {peak / 1e6:.2f} MB for {size / 1e6:.0f} MB")
        t0 = time.perf_counter()
        again = spool(_pdf_chunks(size), staging_dir=store.staging_dir, limit=size)
        stored = store.put(again)
        print(f"same content again: stored={stored} (one copy), {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
