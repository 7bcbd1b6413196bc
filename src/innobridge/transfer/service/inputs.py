"""Contract input → row: parties (registry organisation or named party), checked links, amounts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from innobridge.core.errors import FieldError, Invalid, NotFound
from innobridge.core.policy import may_read_record
from innobridge.core.principal import Principal
from innobridge.matching import service as matching
from innobridge.registry.models import Organisation
from innobridge.registry.rules import is_valid_credit_code
from innobridge.transfer import rules
from innobridge.transfer.models import Contract
from innobridge.transfer.policy import POLICY
from innobridge.transfer.schemas import (
    ContractIn,
    PartyIn,
)


def _party(session: Session, actor: Principal, side: str, party: PartyIn) -> dict[str, Any]:
    """The party's columns: copied from its registry organisation, or checked as given."""
    if party.organisation_id is not None:
        org = session.get(Organisation, party.organisation_id)
        if org is None or not may_read_record(
            session, actor=actor, entity="organisation", entity_id=party.organisation_id
        ):
            raise Invalid(
                [
                    FieldError(
                        f"{side}.organisation_id", "field.unknown_reference", {"value": party.organisation_id}
                    )
                ]
            )
        return {
            "org_id": org.id,
            "name": org.name_zh,
            "credit_code": org.credit_code,
            "region_code": org.region_code,
            "country_code": "CN",  # registry organisations are Chinese legal persons
        }
    errors = []
    if not party.name:
        errors.append(FieldError(f"{side}.name", "transfer.error.party_name_required"))
    domestic = party.country_code == "CN"
    if party.credit_code is not None and not is_valid_credit_code(party.credit_code):
        errors.append(
            FieldError(f"{side}.credit_code", "transfer.error.credit_code", {"value": party.credit_code})
        )
    elif domestic and party.credit_code is None:
        errors.append(FieldError(f"{side}.credit_code", "transfer.error.credit_code_required"))
    if domestic and party.region_code is None:
        errors.append(FieldError(f"{side}.region_code", "transfer.error.region_required"))
    if errors:
        raise Invalid(errors)
    return {
        "org_id": None,
        "name": party.name,
        "credit_code": party.credit_code,
        "region_code": party.region_code,
        "country_code": party.country_code,
    }


def _check_link(session: Session, actor: Principal, field: str, entity: str, record_id: int | None) -> None:
    if record_id is None:
        return
    if entity == "introduction":
        try:
            matching.get_introduction(session, actor=actor, introduction_id=record_id)
        except NotFound:
            readable = False
        else:
            readable = True
    else:
        readable = may_read_record(session, actor=actor, entity=entity, entity_id=record_id)
    if not readable:  # unknown and unreadable look the same: nothing is revealed
        raise Invalid([FieldError(field, "field.unknown_reference", {"value": record_id})])


def fill_contract(session: Session, actor: Principal, contract: Contract, data: ContractIn) -> None:
    """Check `data` and write it into `contract` (amounts, dates, parties, links)."""
    errors = []
    try:
        technology = rules.technology_amount(data.total_amount, data.equipment_amount)
    except rules.AmountError as exc:
        errors.append(FieldError(exc.field, exc.code))
    if data.valid_until < data.valid_from:
        errors.append(FieldError("valid_until", "transfer.error.validity_order"))
    if errors:
        raise Invalid(errors)
    buyer = _party(session, actor, "buyer", data.buyer)
    seller = _party(session, actor, "seller", data.seller)
    if not POLICY.may("list_all", actor) and not {buyer["org_id"], seller["org_id"]} & set(actor.org_ids):
        # A member records contracts of their own organisation only (else they could not read it back).
        raise Invalid([FieldError("buyer.organisation_id", "transfer.error.not_a_party")])
    _check_link(session, actor, "need_id", "need", data.need_id)
    _check_link(session, actor, "achievement_id", "achievement", data.achievement_id)
    _check_link(session, actor, "introduction_id", "introduction", data.introduction_id)
    for side, party in (("buyer", buyer), ("seller", seller)):
        setattr(contract, f"{side}_org_id", party["org_id"])
        for key in ("name", "credit_code", "region_code", "country_code"):
            setattr(contract, f"{side}_{key}", party[key])
    contract.contract_type = data.contract_type
    contract.project_name = data.project_name
    contract.signed_on = data.signed_on
    contract.valid_from = data.valid_from
    contract.valid_until = data.valid_until
    contract.total_amount = data.total_amount
    contract.equipment_amount = data.equipment_amount
    contract.technology_amount = technology
    contract.need_id = data.need_id
    contract.achievement_id = data.achievement_id
    contract.introduction_id = data.introduction_id


_FIELDS = (
    "contract_type",
    "project_name",
    "buyer_org_id",
    "buyer_name",
    "seller_org_id",
    "seller_name",
    "signed_on",
    "valid_from",
    "valid_until",
    "total_amount",
    "equipment_amount",
    "technology_amount",
    "need_id",
    "achievement_id",
    "introduction_id",
)


def snapshot(contract: Contract) -> dict[str, Any]:
    return {f: (str(v) if (v := getattr(contract, f)) is not None else None) for f in _FIELDS}
