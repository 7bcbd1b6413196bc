"""Bounded imports: speed and peak memory of 100,000-row CSV and XLSX imports, how fast hostile files are
refused, and search latency while a 100,000-row web import runs.

Each measurement runs in a fresh child process so its peak RSS (ru_maxrss) is its own. Rows are
organisations built as in import_registry.py (real institution names from ../shared/data when present).

    .venv/bin/python benchmarks/import_bounded.py [--rows 100000] [--part files|search|all]
        [--workers 1] [--clients 8] [--seconds 15]

The search part starts `innobridge serve` on a fresh SQLite data directory with 10,000 records, runs wrk
against /api/v1/search (as serve_search.py does) once alone and once while an officer uploads the
rows on /data/import, and prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_registry import _texts, write_orgs  # noqa: E402 - a sibling script, found through HERE


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- children: one measurement each -----------------------------------------------------------------


def child_import(kind: str, path: Path, data_dir: Path) -> dict[str, object]:
    from innobridge.core import migrate
    from innobridge.core.config import Settings
    from innobridge.core.context import Context
    from innobridge.core.principal import SYSTEM
    from innobridge.registry import files, importing
    from innobridge.registry.entities import SPECS

    ctx = Context.from_settings(Settings(env="test", data_dir=data_dir, encoder="none"))
    migrate.upgrade(ctx.engine)
    base = _rss_mb()
    t0 = time.perf_counter()
    with files.read_table(path) as table, ctx.uow() as uow:
        report = importing.import_table(uow, actor=SYSTEM, spec=SPECS["organisation"], table=table)
    secs = time.perf_counter() - t0
    return {
        "what": f"import {kind}",
        "rows": report.rows,
        "created": report.created,
        "seconds": round(secs, 2),
        "rows_per_s": round(report.rows / secs),
        "peak_rss_mb": round(_rss_mb()),
        "rss_before_mb": round(base),
    }


def child_read(kind: str, path: Path) -> dict[str, object]:
    from innobridge.registry import files

    base = _rss_mb()
    t0 = time.perf_counter()
    refused = ""
    n = 0
    try:
        with files.read_table(path, files.Limits()) as table:
            for _ in table.rows:
                n += 1
    except files.FileUnreadable as exc:
        refused = exc.code
    secs = time.perf_counter() - t0
    return {
        "what": f"read {kind}",
        "rows": n,
        "refused": refused,
        "seconds": round(secs, 2),
        "peak_rss_mb": round(_rss_mb()),
        "rss_before_mb": round(base),
    }


def child_refuse_rows(path: Path, data_dir: Path) -> dict[str, object]:
    from innobridge.core import migrate
    from innobridge.core.config import Settings
    from innobridge.core.context import Context
    from innobridge.core.principal import SYSTEM
    from innobridge.registry import files, importing
    from innobridge.registry.entities import SPECS

    ctx = Context.from_settings(Settings(env="test", data_dir=data_dir, encoder="none"))
    migrate.upgrade(ctx.engine)
    t0 = time.perf_counter()
    code = ""
    try:
        with files.read_table(path) as table, ctx.uow() as uow:
            importing.import_table(uow, actor=SYSTEM, spec=SPECS["organisation"], table=table)
    except files.FileUnreadable as exc:
        code = exc.code
    return {
        "what": "import, rows past the cap",
        "refused": code,
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_rss_mb": round(_rss_mb()),
    }


def run_child(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# --- files -------------------------------------------------------------------------------------------


def write_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    import csv

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    with csv_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            ws.append(row)
    wb.save(xlsx_path)


def write_bomb(path: Path, expanded: int) -> None:
    sys.path.insert(0, str(HERE.parent))
    from tests.integration.registry.hostile_files import zip_bomb

    path.write_bytes(zip_bomb(expanded))


def files_part(rows: int, tmp: Path) -> None:
    rng = random.Random(7)
    names, _, _ = _texts()
    csv_path, xlsx_path = tmp / "orgs.csv", tmp / "orgs.xlsx"
    write_orgs(csv_path, rows, names, rng)
    write_xlsx(csv_path, xlsx_path)
    over = tmp / "over.csv"
    write_orgs(over, rows * 3, names, rng)
    bomb = tmp / "bomb.xlsx"
    write_bomb(bomb, 1_200_000_000)
    sizes = {p.name: p.stat().st_size for p in (csv_path, xlsx_path, over, bomb)}
    print("files: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    results = [
        run_child("read", "csv", str(csv_path)),
        run_child("read", "xlsx", str(xlsx_path)),
        run_child("import", "csv", str(csv_path), str(tmp / "db-csv")),
        run_child("import", "xlsx", str(xlsx_path), str(tmp / "db-xlsx")),
        run_child("read", "xlsx bomb (1.2 GB unpacked)", str(bomb)),
        run_child("refuse-rows", str(over), str(tmp / "db-over")),
    ]
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


# --- search while importing -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(base: str, paths: list[str], clients: int, seconds: int, folder: Path) -> str:
    plist = folder / "paths.txt"
    plist.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = folder / "paths.lua"
    script.write_text(
        f'local paths = {{}}\nfor line in io.lines("{plist}") do paths[#paths + 1] = line end\n'
        "local i = math.random(#paths)\nrequest = function()\n  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\nend\n',
        encoding="utf-8",
    )
    cmd = ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "5s", "--latency"]
    out = subprocess.run([*cmd, "-s", str(script), base], capture_output=True, text=True, check=False).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return (
        f"{float(rps.group(1)) if rps else 0:7.1f} req/s  p50 {lat.get('50', '?'):>8}  "
        f"p90 {lat.get('90', '?'):>8}  p99 {lat.get('99', '?'):>8}  "
        f"non-2xx {errors.group(1) if errors else 0}  timeouts {timeouts.group(1) if timeouts else 0}"
    )


def search_part(rows: int, workers: int, clients: int, seconds: int, tmp: Path) -> None:
    import httpx
    from web_search_page import generate

    from innobridge.core import migrate
    from innobridge.core.accounts import UserIn, register_user
    from innobridge.core.config import Settings
    from innobridge.core.context import Context
    from innobridge.core.principal import SYSTEM
    from innobridge.core.users import Role
    from innobridge.index import service as indexing

    data_dir = tmp / "serve"
    ctx = Context.from_settings(Settings(env="test", data_dir=data_dir, encoder="none"))
    migrate.upgrade(ctx.engine)
    generate(ctx, 10_000)
    password = "bench-password-1"  # noqa: S105 - a throwaway benchmark account
    with ctx.uow() as uow:
        register_user(
            uow,
            data=UserIn(email="officer@example.org", name="officer", password=password),
            role=Role.programme_officer,
            actor=SYSTEM,
        )
    indexing.get(ctx).close()
    ctx.services.clear()
    upload = tmp / "upload.csv"
    write_orgs(upload, rows, _texts()[0], random.Random(11))

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "INNOBRIDGE_ENV": "test",
        "INNOBRIDGE_DATA_DIR": str(data_dir),
        "INNOBRIDGE_ENCODER": "none",
    }
    env.pop("INNOBRIDGE_INDEX_WRITER", None)
    env.pop("INNOBRIDGE_DATABASE_URL", None)
    log = (tmp / "server.log").open("w")
    cmd = [sys.executable, "-m", "innobridge.cli", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
    words = [
        "锂电池",
        "石墨烯",
        "传感器",
        "机器人",
        "疫苗",
        "芯片",
        "催化剂",
        "光伏",
        "算法",
        "材料",
        "大学",
        "研究院",
    ]
    paths = [f"/api/v1/search?q={quote(w)}" for w in words]
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        for p in paths:  # warm
            httpx.get(base + p, timeout=30)
        print(f"search alone,          {clients} clients: {wrk(base, paths, clients, seconds, tmp)}")
        client = httpx.Client(base_url=base, timeout=600)
        token = re.search(r'name="csrf_token" value="([^"]*)"', client.get("/login").text)
        assert token
        client.post(
            "/login",
            data={"email": "officer@example.org", "password": password, "csrf_token": token.group(1)},
        )
        token = re.search(r'name="csrf_token" value="([^"]*)"', client.get("/data").text)
        assert token
        result: dict[str, object] = {}

        def post() -> None:
            t0 = time.perf_counter()
            with upload.open("rb") as fh:
                resp = client.post(
                    "/data/import",
                    data={"entity": "organisation", "csrf_token": token.group(1)},
                    files={"file": ("orgs.csv", fh, "text/csv")},
                )
            result["status"] = resp.status_code
            result["seconds"] = round(time.perf_counter() - t0, 1)
            m = re.search(r'data-testid="accepted">(\d+)<', resp.text)
            result["accepted"] = int(m.group(1)) if m else None

        t = threading.Thread(target=post)
        t.start()
        time.sleep(1)
        window = 0
        while t.is_alive():  # windows of wrk until the upload is answered
            window += 1
            during = wrk(base, paths, clients, seconds, tmp)
            print(f"search during import #{window}, {clients} clients: {during}", flush=True)
        t.join()
        print(f"web import of {rows:,} rows: {result}")
        print(f"search after import,   {clients} clients: {wrk(base, paths, clients, seconds, tmp)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print(f"(workers {workers}, SQLite, encoder none, 10,000 records before the import)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        what, *rest = sys.argv[2:]
        if what == "import":
            out = child_import(rest[0], Path(rest[1]), Path(rest[2]))
        elif what == "read":
            out = child_read(rest[0], Path(rest[1]))
        else:
            out = child_refuse_rows(Path(rest[0]), Path(rest[1]))
        print(json.dumps(out))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--part", choices=["files", "search", "all"], default="all")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ib-import-bench-") as tmp:
        if args.part in ("files", "all"):
            files_part(args.rows, Path(tmp))
        if args.part in ("search", "all"):
            search_part(args.rows, args.workers, args.clients, args.seconds, Path(tmp))


if __name__ == "__main__":
    main()
