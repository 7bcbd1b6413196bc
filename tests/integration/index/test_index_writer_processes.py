"""One index writer, many readers, across real processes: `innobridge serve --workers 2` (two web
processes that only read the index; the supervising process runs the jobs and writes it), records
imported with the `innobridge import` command become searchable through the running server's API,
records written through the API too, and `innobridge index --rebuild` succeeds while the server holds
the index (it is handed to the writer as a job). On SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from innobridge.core.db import make_engine

PG_URL = os.environ.get("INNOBRIDGE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="no PG"))]
CLI = [sys.executable, "-m", "innobridge.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _database(backend: str) -> Iterator[str | None]:
    if backend == "sqlite":
        yield None
        return
    assert PG_URL
    schema = f"ib_serve_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL, connect_args={"connect_timeout": 5})
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _run(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # our own interpreter and command
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _found(base: str, q: str) -> int:
    r = httpx.get(f"{base}/api/v1/search", params={"q": q}, timeout=10)
    r.raise_for_status()
    return int(r.json()["total"])


def _eventually(check: object, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.5)
    return False


@pytest.mark.parametrize("backend", BACKENDS)
def test_cli_imports_reach_a_running_multi_process_server_and_rebuild_works_meanwhile(
    backend: str, tmp_path: Path
) -> None:
    with _database(backend) as database_url:
        port = _free_port()
        env = {
            **os.environ,
            "INNOBRIDGE_ENV": "test",
            "INNOBRIDGE_DATA_DIR": str(tmp_path / "data"),
            "INNOBRIDGE_ENCODER": "none",
            "INNOBRIDGE_JOBS_URL": "",
        }
        env.pop("INNOBRIDGE_INDEX_WRITER", None)
        if database_url:
            env["INNOBRIDGE_DATABASE_URL"] = database_url
        else:
            env.pop("INNOBRIDGE_DATABASE_URL", None)
        assert _run(env, "init").returncode == 0
        first = tmp_path / "first.csv"
        first.write_text("name_zh,kind,region_code\n甲乙丙量子研究院,research_institute,310104\n", "utf-8")
        assert _run(env, "import", "organisation", str(first)).returncode == 0  # before the server

        log = (tmp_path / "server.log").open("w")
        server = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            assert _eventually(lambda: _healthy(base), 90), (tmp_path / "server.log").read_text()
            # imported before any server ran: the writer's first sweep finds it
            assert _eventually(lambda: _found(base, "甲乙丙量子研究院") == 1, 30)
            # a rebuild must work while the server holds the index
            rebuilt = _run(env, "index", "--rebuild", timeout=240)
            assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
            assert "indexed 1 records" in rebuilt.stdout
            assert _eventually(lambda: _found(base, "甲乙丙量子研究院") == 1, 30)

            # imported while the server runs: the CLI does not tell the index; the writer finds it
            later = tmp_path / "later.csv"
            later.write_text("name_zh,kind,region_code\n丁戊己纳米材料公司,enterprise,310115\n", "utf-8")
            assert _run(env, "import", "organisation", str(later)).returncode == 0
            assert _eventually(lambda: _found(base, "丁戊己纳米材料公司") == 1, 60), (
                tmp_path / "server.log"
            ).read_text()[-3000:]
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
