"""Search page render time over 100,000 registry records (the whole page: routing, search with facets,
loading the hits, the template), measured in-process with FastAPI's TestClient.

Records are recombined from real texts in ../shared/data (CSL paper titles/keywords, patent titles) when
that folder exists, synthetic text otherwise; written through the registry's bulk service, indexed
through the matching index (lexical; the encoder is off so the figure is the page, not the encoder).

    .venv/bin/python benchmarks/web_search_page.py [--records 100000] [--requests 300] [--data-dir DIR]

A --data-dir that already holds a database is reused (no re-generation).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from innobridge.core import migrate
from innobridge.core.accounts import UserIn, register_user
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.models import Visibility
from innobridge.core.principal import SYSTEM
from innobridge.core.users import Role
from innobridge.index import service as indexing
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.schemas import AchievementIn, NeedIn, OrganisationIn, PersonIn
from innobridge.web.app import create_app

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REGIONS = ["310101", "310104", "310105", "310106", "310110", "310112", "310115", "320102", "330106", "440305"]
DISCIPLINES = ["110", "120", "140", "150", "413", "416", "460", "480", "510", "520", "530", "580", "620"]
PLACES = ["东海", "申江", "华东", "浦江", "长三角"]
ORG_SUFFIXES = ["理工大学", "研究院", "科技有限公司", "实验室"]
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway benchmark account


def _texts() -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    if DATA.exists():
        for line in (DATA / "csl/papers.jsonl").read_text().splitlines():
            p = json.loads(line)
            out.append((p["title"], list(p.get("keywords", []))[:5]))
        for line in (DATA / "registry/cn_patent_titles_ipc.jsonl").read_text().splitlines():
            p = json.loads(line)
            out.append((p["title"], []))
    if not out:
        words = ["锂电池", "石墨烯", "传感器", "机器人", "疫苗", "芯片", "催化剂", "光伏", "算法", "材料"]
        out = [
            (f"一种{random.choice(words)}{random.choice(words)}方法{i}", random.sample(words, 3))
            for i in range(5000)
        ]
    return out


def _vis(rng: random.Random) -> Visibility:
    r = rng.random()
    return Visibility.public if r < 0.8 else Visibility.registered if r < 0.9 else Visibility.internal


def generate(ctx: Context, total: int) -> None:
    rng = random.Random(42)
    texts = _texts()
    n_org, n_person, n_need = total // 20, total // 10, total // 10
    n_ach = total - n_org - n_person - n_need
    t0 = time.perf_counter()
    orgs = [
        OrganisationIn(
            name_zh=f"{rng.choice(PLACES)}{rng.choice(ORG_SUFFIXES)}{i}",
            kind=rng.choice(["university", "research_institute", "enterprise", "enterprise", "key_lab"]),
            region_code=rng.choice(REGIONS),
            visibility=_vis(rng),
        )
        for i in range(n_org)
    ]
    with ctx.uow() as uow:
        res = service.upsert_many(uow, actor=SYSTEM, spec=SPECS["organisation"], rows=orgs)
    org_ids = res.created_ids

    def title_kw(i: int) -> tuple[str, list[str]]:
        title, kws = texts[i % len(texts)]
        return (title if i < len(texts) else f"{title}（{i // len(texts)}）"), kws

    people = []
    for i in range(n_person):
        _, kws = title_kw(rng.randrange(len(texts)))
        people.append(
            PersonIn(
                name_zh=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('明芳伟娜强静')}{i}",
                title=rng.choice(["教授", "研究员", "副教授", "高级工程师"]),
                organisation_id=rng.choice(org_ids),
                keywords=kws,
                discipline_codes=[rng.choice(DISCIPLINES)],
                visibility=_vis(rng),
            )
        )
    achievements = []
    for i in range(n_ach):
        title, kws = title_kw(i)
        achievements.append(
            AchievementIn(
                kind=rng.choice(["patent", "paper", "technology", "software"]),
                title=title,
                keywords=kws,
                discipline_codes=[rng.choice(DISCIPLINES)],
                trl=rng.randint(1, 9),
                year=rng.randint(2010, 2025),
                organisation_id=rng.choice(org_ids),
                region_code=rng.choice(REGIONS),
                visibility=_vis(rng),
            )
        )
    needs = []
    for i in range(n_need):
        title, kws = title_kw(rng.randrange(len(texts)))
        needs.append(
            NeedIn(
                title=f"寻求{title}相关技术合作{i}",
                keywords=kws,
                organisation_id=rng.choice(org_ids),
                region_code=rng.choice(REGIONS),
                visibility=_vis(rng),
            )
        )
    for name, rows in (("person", people), ("achievement", achievements), ("need", needs)):
        with ctx.uow() as uow:
            service.upsert_many(uow, actor=SYSTEM, spec=SPECS[name], rows=rows)
    with ctx.uow() as uow:
        register_user(
            uow,
            data=UserIn(email="manager@bench.example", name="经理", password=PASSWORD),
            role=Role.tech_manager,
            actor=SYSTEM,
        )
    print(f"generated {total:,} records in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    n = indexing.rebuild(ctx)
    print(f"indexed {n:,} documents in {time.perf_counter() - t0:.1f} s")


def measure(name: str, get: Callable[[], Any], requests: int) -> None:
    for _ in range(10):
        get()  # warm-up
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        r = get()
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   max {times[-1]:7.1f} ms   (n={requests})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ib-web-bench-"))
    settings = Settings(env="test", data_dir=data_dir, encoder="none")
    ctx = Context.from_settings(settings)
    fresh = not (data_dir / "innobridge.sqlite3").exists() or args.data_dir is None
    migrate.upgrade(ctx.engine)
    if fresh:
        generate(ctx, args.records)
        indexing.get(ctx).close()
        ctx.services.clear()
    counts = {
        n: service.count_records(ctx.session(), SPECS[n])
        for n in ("organisation", "person", "achievement", "need")
    }
    print(f"records: {sum(counts.values()):,} {counts}  (data dir {data_dir})")
    rng = random.Random(7)
    queries = [kw for _, kws in _texts()[:3000] for kw in kws][:2000] or ["锂电池"]
    with TestClient(create_app(ctx)) as client:
        page = client.get("/search?q=" + queries[0]).text
        print("sample page:", re.findall(r'data-testid="total">([^<]+)', page), f"{len(page):,} bytes")

        def q(extra: str = "") -> Callable[[], Any]:
            return lambda: client.get(f"/search?q={rng.choice(queries)}{extra}")

        measure("anonymous, keyword", q(), args.requests)
        measure("anonymous, keyword + kind facet", q("&kind=achievement"), args.requests)
        measure("anonymous, keyword + year + region", q("&year=2020&region=310104"), args.requests)
        measure("anonymous, browse (no keyword)", lambda: client.get("/search"), args.requests)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        client.post(
            "/login",
            data={"email": "manager@bench.example", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        measure("technology manager, keyword (sees internal)", q(), args.requests)


if __name__ == "__main__":
    main()
