"""The contract registration workflow bound to its policy and notices; contracts addressed by (entity, id)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from innobridge.core.accounts import members_of
from innobridge.core.notifications import register_event
from innobridge.core.policy import RecordAccess, register_record
from innobridge.core.workflow import Notice, Transition, Workflow
from innobridge.transfer import rules
from innobridge.transfer.models import Contract
from innobridge.transfer.policy import POLICY

ENTITY = "contract"


def audience(session: Session, contract: Contract) -> set[int]:
    """Who hears of a move: the members of both parties' organisations."""
    return members_of(session, (contract.buyer_org_id, contract.seller_org_id))


def _notice_params(session: Session, move: Transition) -> dict[str, str | int | None]:
    contract: Contract = move.item
    code = move.reason_code
    return {
        "project": contract.project_name,
        "buyer": contract.buyer_name,
        "seller": contract.seller_name,
        "number": contract.registration_number or "—",
        "state_zh": WORKFLOW.state(move.to_state).label_zh,
        "state_en": WORKFLOW.state(move.to_state).label_en,
        "reason": move.reason or "—",
        "reason_code_zh": move.action.reason_label(code, "zh") if code else "—",
        "reason_code_en": move.action.reason_label(code, "en") if code else "—",
    }


WORKFLOW = Workflow(
    name=ENTITY,
    states=rules.STATES,
    actions=rules.ACTIONS,
    policy=POLICY,
    notice=Notice(recipients=audience, params=_notice_params, link=lambda c: f"/contracts/{c.id}"),
)
for _action in rules.ACTIONS:
    register_event(f"contract.{_action.name}")
register_event("contract.created")
# Documents (core/storage) and notification links address contracts by (entity, id).
register_record(
    ENTITY,
    RecordAccess(load=lambda s, i: s.get(Contract, i), policy=POLICY, read="read", write="attach"),
)
