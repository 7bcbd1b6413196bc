"""What happened to a workflow item: its audit events as a timeline, labelled in both languages.

Every workflow page shows one (introductions, contracts, …); the events are those `Workflow.apply` and
the feature's other writers recorded with `uow.audit(entity=<workflow name>, …)`.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.audit import AuditEvent
from innobridge.core.i18n import t
from innobridge.core.timestamps import UtcDateTime
from innobridge.core.users import User
from innobridge.core.workflow import Workflow


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
