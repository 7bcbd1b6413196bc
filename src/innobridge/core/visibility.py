"""Who may read a record with a visibility level and an owner — declared once, in three forms.

A record grants reading through *grants*: its visibility level (readable by the roles listed in
`LEVELS_BY_ROLE`), its owner organisation and its author. Each grant has a Python form (a record in
memory), an SQL form (a WHERE clause on any table with the three columns) and an index form (tokens a
document carries and tokens an actor holds; a match on any token grants reading). All three are derived
here from the same declaration, and tests/integration/core/test_visibility_agrees.py proves that they
agree for every entity and every kind of user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_

from innobridge.core.models import Visibility
from innobridge.core.principal import INSIDERS, Principal

V = Visibility
# Visibility levels an actor reads regardless of ownership.
ANONYMOUS_LEVELS: tuple[Visibility, ...] = (V.public,)
MEMBER_LEVELS: tuple[Visibility, ...] = (V.public, V.registered)
INSIDER_LEVELS: tuple[Visibility, ...] = (V.public, V.registered, V.internal)


def readable_levels(actor: Principal) -> tuple[Visibility, ...]:
    if actor.is_anonymous:
        return ANONYMOUS_LEVELS
    if actor.system or actor.role in INSIDERS:
        return INSIDER_LEVELS
    return MEMBER_LEVELS


@dataclass(frozen=True)
class Columns:
    """The three columns a readable table has (SQLAlchemy column expressions)."""

    visibility: Any
    owner_org_id: Any
    created_by_id: Any


class RecordVisibility:
    """The one declaration: level grant ∪ owner-organisation grant ∪ author grant."""

    # --- Python -----------------------------------------------------------------------------------
    def may_read(
        self, actor: Principal, visibility: Visibility, owner_org_id: int | None, created_by_id: int | None
    ) -> bool:
        if visibility in readable_levels(actor):
            return True
        return owns(actor, owner_org_id, created_by_id)

    # --- SQL ----------------------------------------------------------------------------------------
    def clause(self, actor: Principal, cols: Columns) -> ColumnElement[bool]:
        grants: list[ColumnElement[bool]] = [cols.visibility.in_(readable_levels(actor))]
        if not actor.is_anonymous:
            if actor.org_ids:
                grants.append(cols.owner_org_id.in_(sorted(actor.org_ids)))
            if actor.user_id is not None:
                grants.append(cols.created_by_id == actor.user_id)
        return or_(false(), *grants)

    # --- index --------------------------------------------------------------------------------------
    def record_tokens(
        self, visibility: Visibility, owner_org_id: int | None, created_by_id: int | None
    ) -> list[str]:
        """Tokens a document carries (its `access` keyword field)."""
        tokens = [visibility.value]
        if owner_org_id is not None:
            tokens.append(f"org:{owner_org_id}")
        if created_by_id is not None:
            tokens.append(f"user:{created_by_id}")
        return tokens

    def actor_tokens(self, actor: Principal) -> list[str]:
        """Tokens an actor holds: a document is readable when it carries at least one of them."""
        tokens = [level.value for level in readable_levels(actor)]
        if not actor.is_anonymous:
            tokens += [f"org:{o}" for o in sorted(actor.org_ids)]
            if actor.user_id is not None:
                tokens.append(f"user:{actor.user_id}")
        return tokens


def owns(actor: Principal, owner_org_id: int | None, created_by_id: int | None) -> bool:
    if actor.is_anonymous:
        return False
    return (owner_org_id is not None and owner_org_id in actor.org_ids) or (
        created_by_id is not None and created_by_id == actor.user_id
    )


RECORDS = RecordVisibility()
