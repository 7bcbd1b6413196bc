"""Technology contracts at scale: the list, the officers' registration queue and one contract's detail
over many contracts, and registrations through the workflow.

    python benchmarks/transfer_contracts.py [--contracts 100000] [--orgs 2000] [--runs 30]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]

Builds a fresh database (a temporary SQLite file, or a private schema on PostgreSQL, dropped after),
bulk-inserts the contracts (a fifth of them waiting in the queue), then times the service functions the
API and pages call and prints p50/p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, insert, text

from innobridge.core import migrate
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.db import make_engine
from innobridge.core.principal import Principal
from innobridge.core.users import Role
from innobridge.registry.models import Organisation
from innobridge.transfer import service
from innobridge.transfer.models import Contract, ContractState, ContractType
from innobridge.transfer.schemas import ContractQuery

STATES = [ContractState.registered] * 3 + [ContractState.submitted, ContractState.draft]


def _timed(label: str, fn: Callable[[], object], runs: int) -> None:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{label:<48} p50 {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms")


def _fill(engine: Engine, contracts: int, orgs: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Organisation),
            [
                {
                    "key": f"bench-org-{i}",
                    "name_zh": f"基准机构{i}",
                    "kind": "enterprise",
                    "region_code": "310104",
                    "created_at": now,
                    "updated_at": now,
                    "visibility": "public",
                    "industry_codes": [],
                }
                for i in range(1, orgs + 1)
            ],
        )
        batch = []
        for n in range(1, contracts + 1):
            state = rng.choice(STATES)
            total = Decimal(rng.randrange(10_000, 50_000_000)) / 100
            equipment = (total * Decimal(rng.randrange(0, 30)) / 100).quantize(Decimal("0.01"))
            at = now - timedelta(minutes=contracts - n)
            batch.append(
                {
                    "contract_type": rng.choice(list(ContractType)).value,
                    "project_name": f"技术合同 {n}",
                    "buyer_org_id": rng.randrange(1, orgs + 1),
                    "buyer_name": "买方",
                    "buyer_country_code": "CN",
                    "seller_org_id": rng.randrange(1, orgs + 1),
                    "seller_name": "卖方",
                    "seller_region_code": "310104",
                    "seller_country_code": "CN",
                    "signed_on": date(2026, 1, 1),
                    "valid_from": date(2026, 1, 1),
                    "valid_until": date(2028, 1, 1),
                    "total_amount": total,
                    "equipment_amount": equipment,
                    "technology_amount": total - equipment,
                    "state": state.value,
                    "registration_number": f"2026{n:012d}" if state == ContractState.registered else None,
                    "created_at": at,
                    "updated_at": at,
                    "submitted_at": at if state != ContractState.draft else None,
                    "version": 1,
                }
            )
            if len(batch) == 10_000:
                conn.execute(insert(Contract), batch)
                batch = []
        if batch:
            conn.execute(insert(Contract), batch)


def run(engine: Engine, label: str, contracts: int, orgs: int, runs: int) -> None:
    migrate.upgrade(engine)
    start = time.perf_counter()
    _fill(engine, contracts, orgs)
    print(
        f"[{label}] {contracts:,} contracts over {orgs:,} organisations inserted in "
        f"{time.perf_counter() - start:.1f} s"
    )
    ctx = Context.from_settings(
        Settings(env="test", data_dir=Path(tempfile.mkdtemp()), encoder="none"), engine=engine
    )
    officer = Principal(user_id=None, role=Role.programme_officer, system=True)
    member = Principal(user_id=1, org_ids=frozenset({1}))  # a party to about 2 × contracts / orgs

    def listing(actor: Principal, **q: object) -> Callable[[], object]:
        def go() -> object:
            with ctx.session() as s:
                return service.list_contracts(s, actor=actor, query=ContractQuery(**q))  # type: ignore[arg-type]

        return go

    def detail() -> object:
        with ctx.session() as s:
            return service.get_contract(s, actor=officer, contract_id=contracts // 2)

    _timed(f"[{label}] member: my contracts, page 1", listing(member), runs)
    _timed(f"[{label}] officer: all contracts, page 1", listing(officer), runs)
    _timed(f"[{label}] officer: registration queue, page 1", listing(officer, state="submitted"), runs)
    _timed(f"[{label}] officer: queue, page 50", listing(officer, state="submitted", page=50), runs)
    _timed(f"[{label}] contract detail with timeline", detail, runs)
    with ctx.session() as s:
        queued = [
            c.id
            for c in service.list_contracts(
                s, actor=officer, query=ContractQuery(state="submitted", page_size=200)
            ).items
        ]  # type: ignore[arg-type]
    start = time.perf_counter()
    for i, cid in enumerate(queued):
        with ctx.uow() as uow:
            service.move_contract(
                uow, actor=officer, contract_id=cid, action="register", registration_number=f"2027{i:012d}"
            )
    per = (time.perf_counter() - start) * 1000 / max(1, len(queued))
    print(f"[{label}] register (number checked unique, audit, notices): {per:.1f} ms each over {len(queued)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", help="also run on this PostgreSQL (in a private schema)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite3")
        run(engine, "sqlite", args.contracts, args.orgs, args.runs)
        engine.dispose()
    if args.postgres:
        schema = f"ib_bench_{uuid.uuid4().hex[:10]}"
        admin = make_engine(args.postgres)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(args.postgres, connect_args={"options": f"-csearch_path={schema}"})
        try:
            run(engine, "postgresql", args.contracts, args.orgs, args.runs)
        finally:
            engine.dispose()
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
