"""Contract row → output: parties with region names, linked titles the actor may read, allowed actions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.policy import may_read_record
from innobridge.core.principal import Principal
from innobridge.core.workflow_views import allowed_out
from innobridge.registry.models import Achievement, Code, Need
from innobridge.transfer import rules
from innobridge.transfer.models import Contract
from innobridge.transfer.policy import POLICY
from innobridge.transfer.schemas import (
    ContractOut,
    LinkOut,
    PartyOut,
)
from innobridge.transfer.service.workflow import WORKFLOW


def region_names(session: Session, contracts: Iterable[Contract]) -> dict[str, str]:
    codes = set()
    for c in contracts:
        codes |= {c.buyer_region_code, c.seller_region_code, c.registration_region_code}
    codes.discard(None)
    if not codes:
        return {}
    rows = session.execute(
        select(Code.code, Code.name_zh).where(Code.scheme == "region", Code.code.in_(codes))
    )
    return {str(code): str(name) for code, name in rows}


def linked_titles(
    session: Session, actor: Principal, contracts: Iterable[Contract]
) -> dict[tuple[str, int], str]:
    """Titles of linked needs and achievements the actor may read."""
    contracts = list(contracts)
    rows: list[tuple[str, int, str]] = []
    need_ids = {c.need_id for c in contracts if c.need_id is not None}
    if need_ids:
        rows += [
            ("need", i, t)
            for i, t in session.execute(select(Need.id, Need.title).where(Need.id.in_(need_ids)))
        ]
    ach_ids = {c.achievement_id for c in contracts if c.achievement_id is not None}
    if ach_ids:
        stmt = select(Achievement.id, Achievement.title).where(Achievement.id.in_(ach_ids))
        rows += [("achievement", i, t) for i, t in session.execute(stmt)]
    return {
        (entity, i): title
        for entity, i, title in rows
        if may_read_record(session, actor=actor, entity=entity, entity_id=i)
    }


def _party_out(contract: Contract, side: str, regions: dict[str, str]) -> PartyOut:
    region = getattr(contract, f"{side}_region_code")
    return PartyOut(
        organisation_id=getattr(contract, f"{side}_org_id"),
        name=getattr(contract, f"{side}_name"),
        credit_code=getattr(contract, f"{side}_credit_code"),
        region_code=region,
        region_name=regions.get(region) if region else None,
        country_code=getattr(contract, f"{side}_country_code"),
    )


def contract_out(
    contract: Contract, actor: Principal, regions: dict[str, str], titles: dict[tuple[str, int], str]
) -> ContractOut:
    state = WORKFLOW.state(contract.state)
    zh, en = rules.TYPE_LABELS[contract.contract_type]

    def link(entity: str, record_id: int | None) -> LinkOut | None:
        return None if record_id is None else LinkOut(id=record_id, title=titles.get((entity, record_id)))

    return ContractOut(
        id=contract.id,
        contract_type=contract.contract_type,
        type_label_zh=zh,
        type_label_en=en,
        project_name=contract.project_name,
        buyer=_party_out(contract, "buyer", regions),
        seller=_party_out(contract, "seller", regions),
        signed_on=contract.signed_on,
        valid_from=contract.valid_from,
        valid_until=contract.valid_until,
        total_amount=contract.total_amount,
        equipment_amount=contract.equipment_amount,
        technology_amount=contract.technology_amount,
        need=link("need", contract.need_id),
        achievement=link("achievement", contract.achievement_id),
        introduction=None if contract.introduction_id is None else LinkOut(id=contract.introduction_id),
        state=contract.state,
        state_label_zh=state.label_zh,
        state_label_en=state.label_en,
        registration_number=contract.registration_number,
        registered_on=contract.registered_on,
        registration_region_code=contract.registration_region_code,
        registration_region_name=regions.get(contract.registration_region_code or ""),
        created_by_id=contract.created_by_id,
        created_at=contract.created_at,
        updated_at=contract.updated_at,
        submitted_at=contract.submitted_at,
        registered_at=contract.registered_at,
        version=contract.version,
        allowed_actions=allowed_out(WORKFLOW, actor, contract),
        may_update=contract.state in rules.EDITABLE and POLICY.may("update", actor, contract),
        may_attach=POLICY.may("attach", actor, contract),
    )


def one_out(session: Session, actor: Principal, contract: Contract) -> ContractOut:
    return contract_out(
        contract, actor, region_names(session, [contract]), linked_titles(session, actor, [contract])
    )
