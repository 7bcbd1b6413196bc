"""Read-only look-ups for detail pages: a person's projects and achievements (linked by name, as
the records hold them), always through the registry's visibility rule."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from innobridge.core.principal import Principal
from innobridge.registry import service
from innobridge.registry.entities import SPECS
from innobridge.registry.models import Achievement, Project

LIMIT = 20


def person_projects(session: Session, *, actor: Principal, person: Any) -> list[BaseModel]:
    spec = SPECS["project"]
    stmt = select(Project).where(service.visible_clause(spec, actor), Project.pi_name == person.name_zh)
    if person.organisation_id is not None:
        stmt = stmt.where(
            or_(Project.organisation_id == person.organisation_id, Project.organisation_id.is_(None))
        )
    rows = session.scalars(stmt.order_by(Project.id.desc()).limit(LIMIT))
    return [service.to_out(spec, r, actor) for r in rows]


def person_achievements(session: Session, *, actor: Principal, person: Any) -> list[BaseModel]:
    spec = SPECS["achievement"]
    stmt = select(Achievement).where(
        service.visible_clause(spec, actor), Achievement.owners.contains(person.name_zh, autoescape=True)
    )
    rows = session.scalars(stmt.order_by(Achievement.id.desc()).limit(LIMIT))
    return [service.to_out(spec, r, actor) for r in rows]
