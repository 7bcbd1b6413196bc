"""What every workflow item shows, the same for every feature: the actions the acting user may take now
(`allowed_out`) and what happened to it (`timeline`, from the audit events `Workflow.apply` and the
feature's other writers recorded with `uow.audit(entity=<workflow name>, …)`), labelled in both languages.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.audit import AuditEvent
from innobridge.core.i18n import t
from innobridge.core.principal import Principal
from innobridge.core.timestamps import UtcDateTime
from innobridge.core.users import User
from innobridge.core.workflow import Action, Workflow


class ReasonCodeOut(BaseModel):
    code: str
    label_zh: str
    label_en: str


class ActionOut(BaseModel):
    """An action the acting user may take now (one button)."""

    name: str
    label_zh: str
    label_en: str
    reason_required: bool = False
    reason_codes: list[ReasonCodeOut] = Field(default_factory=list)


def action_out(action: Action) -> ActionOut:
    return ActionOut(
        name=action.name,
        label_zh=action.label_zh,
        label_en=action.label_en,
        reason_required=action.reason,
        reason_codes=[
            ReasonCodeOut(code=c.code, label_zh=c.label_zh, label_en=c.label_en) for c in action.reason_codes
        ],
    )


def allowed_out(workflow: Workflow, actor: Principal, item: Any) -> list[ActionOut]:
    """The actions `actor` may take on `item` now (legal and permitted), as buttons."""
    return [action_out(a) for a in workflow.allowed(actor, item)]


class TimelineEntry(BaseModel):
    """One step of an item's timeline (from its audit events), labelled in both languages."""

    at: UtcDateTime
    action: str
    action_zh: str
    action_en: str
    to_state: str | None = None
    to_zh: str | None = None
    to_en: str | None = None
    actor: str | None = None
    reason: str | None = None
    reason_code: str | None = None
    reason_code_zh: str | None = None
    reason_code_en: str | None = None


def timeline(session: Session, workflow: Workflow, item_id: int, *, other_labels: str) -> list[TimelineEntry]:
    """The item's events, oldest first. Workflow actions carry their own labels; other events (create,
    update, …) are labelled by the i18n keys `<other_labels>.<action>`."""
    rows = session.execute(
        select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.entity == workflow.name, AuditEvent.entity_id == item_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    known = {a.name: a for a in workflow.actions}
    out = []
    for event, actor_name in rows:
        act = known.get(event.action)
        state = workflow.state(event.to_state) if event.to_state else None
        code = event.reason_code
        out.append(
            TimelineEntry(
                at=event.at,
                action=event.action,
                action_zh=act.label_zh if act else t(f"{other_labels}.{event.action}", "zh"),
                action_en=act.label_en if act else t(f"{other_labels}.{event.action}", "en"),
                to_state=event.to_state,
                to_zh=state.label_zh if state else None,
                to_en=state.label_en if state else None,
                actor=actor_name,
                reason=event.reason,
                reason_code=code,
                reason_code_zh=act.reason_label(code, "zh") if act and code else None,
                reason_code_en=act.reason_label(code, "en") if act and code else None,
            )
        )
    return out
