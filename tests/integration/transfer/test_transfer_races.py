"""Races: two officers registering two contracts under one number at the same moment — one wins, the
other gets a 409 and changes nothing; two moves of one contract on the same version — one wins."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select
from tests.integration.transfer.conftest import contract_in

from innobridge.core.context import Context
from innobridge.core.errors import Conflict
from innobridge.core.principal import Principal
from innobridge.transfer import service
from innobridge.transfer.models import Contract, ContractState

NUMBER = "2026310104000777"


def _submitted(ctx: Context, parties: dict[str, Any]) -> int:
    with ctx.uow() as uow:
        c = service.create_contract(
            uow, actor=parties["buyer_member"], data=contract_in(parties["buyer"], parties["seller"])
        )
    with ctx.uow() as uow:
        service.move_contract(uow, actor=parties["buyer_member"], contract_id=c.id, action="submit")
    return c.id


def _race(ctx: Context, first: dict[str, Any], second: dict[str, Any]) -> list[object]:
    """`first` moves and holds its transaction open until `second` has started; both then finish."""
    flushed, started = threading.Event(), threading.Event()
    results: list[object] = [None, None]

    def run(slot: int, kw: dict[str, Any], before_commit: threading.Event | None) -> None:
        try:
            with ctx.uow() as uow:
                service.move_contract(uow, **kw)
                if before_commit is not None:
                    flushed.set()
                    before_commit.wait(10)
            results[slot] = "ok"
        except Conflict as exc:
            results[slot] = exc
        finally:
            flushed.set()

    a = threading.Thread(target=run, args=(0, first, started))
    a.start()
    flushed.wait(10)
    b = threading.Thread(target=run, args=(1, second, None))
    started.set()
    b.start()
    a.join(20)
    b.join(20)
    return results


def test_one_number_two_contracts_at_once(ctx: Context, parties: dict[str, Any], officer: Principal) -> None:
    one, two = _submitted(ctx, parties), _submitted(ctx, parties)
    kw = {"actor": officer, "action": "register", "registration_number": NUMBER}
    results = _race(ctx, {**kw, "contract_id": one}, {**kw, "contract_id": two})
    assert results[0] == "ok" and isinstance(results[1], Conflict), results
    with ctx.session() as s:
        assert s.scalar(select(func.count()).where(Contract.registration_number == NUMBER)) == 1
        assert s.get(Contract, two).state == ContractState.submitted  # type: ignore[union-attr]


def test_two_moves_on_one_version(ctx: Context, parties: dict[str, Any], officer: Principal) -> None:
    cid = _submitted(ctx, parties)
    with ctx.session() as s:
        version = service.get_contract(s, actor=officer, contract_id=cid).version
    register = {"actor": officer, "contract_id": cid, "action": "register", "registration_number": NUMBER}
    refuse = {"actor": officer, "contract_id": cid, "action": "refuse", "reason_code": "proofs_missing"}
    results = _race(ctx, {**register, "version": version}, {**refuse, "version": version})
    assert results[0] == "ok" and isinstance(results[1], Conflict), results
    with ctx.session() as s:
        assert s.get(Contract, cid).state == ContractState.registered  # type: ignore[union-attr]
