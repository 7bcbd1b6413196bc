"""Who may: one vocabulary of permissions for every feature.

A feature declares one `Policy` — action name → `Who` (a named predicate over the actor and the subject
record) — and its services check it with `policy.require(...)`; outputs carry `policy.allowed(...)` for the
acting user, so pages and routes never decide again. "Is this move legal now" is the workflow's business
(core/workflow.py), not the policy's.

Records that other mechanisms act on by (entity, id) — attached files, notifications' links — are
registered with `register_record`, so core can answer "may this actor read/write record X" without
importing any feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from innobridge.core.errors import Forbidden, Unauthorized
from innobridge.core.principal import INSIDERS, OVERSEERS, Principal
from innobridge.core.users import Role
from innobridge.core.visibility import RECORDS


class Who:
    """A named predicate over (actor, subject); combine with `|` and `&`. The label documents it."""

    def __init__(self, label: str, test: Callable[[Principal, Any], bool]) -> None:
        self.label = label
        self._test = test

    def __call__(self, actor: Principal, subject: Any = None) -> bool:
        return self._test(actor, subject)

    def __or__(self, other: Who) -> Who:
        return Who(f"{self.label} | {other.label}", lambda a, s: self(a, s) or other(a, s))

    def __and__(self, other: Who) -> Who:
        return Who(f"{self.label} & {other.label}", lambda a, s: self(a, s) and other(a, s))

    def __repr__(self) -> str:
        return f"Who({self.label})"


def _org_in(actor: Principal, org_id: Any) -> bool:
    return not actor.is_anonymous and org_id is not None and org_id in actor.org_ids


ANYONE = Who("anyone", lambda a, s: True)
SIGNED_IN = Who("signed in", lambda a, s: not a.is_anonymous)
NOBODY = Who("nobody", lambda a, s: False)
# Technology managers, programme officers and platform admins (and the platform itself).
MANAGER = Who("manager", lambda a, s: not a.is_anonymous and (a.system or a.role in INSIDERS))
# Programme officers and platform admins: may edit anything.
OVERSEER = Who("overseer", lambda a, s: not a.is_anonymous and (a.system or a.role in OVERSEERS))
PLATFORM_ADMIN = Who("platform admin", lambda a, s: a.system or a.role == Role.platform_admin)


def member_of(attr: str) -> Who:
    """Members of the organisation named by the subject's attribute `attr`."""
    return Who(f"member of {attr}", lambda a, s: _org_in(a, getattr(s, attr, None)))


def user_is(attr: str) -> Who:
    """The user named by the subject's attribute `attr` (e.g. its author or its manager)."""
    return Who(
        f"user {attr}",
        lambda a, s: not a.is_anonymous and a.user_id is not None and getattr(s, attr, None) == a.user_id,
    )


# A registry-style record: visibility, owner_org_id, created_by_id (core/visibility.py).
READER = Who(
    "visibility",
    lambda a, s: RECORDS.may_read(a, s.visibility, s.owner_org_id, s.created_by_id),
)
OWNER = member_of("owner_org_id") | user_is("created_by_id")


@dataclass(frozen=True)
class Policy:
    """One feature's permissions: action → who may."""

    feature: str
    rules: Mapping[str, Who]

    def may(self, action: str, actor: Principal, subject: Any = None) -> bool:
        who = self.rules.get(action)
        if who is None:
            raise KeyError(f"{self.feature} policy has no action {action!r}")
        return who(actor, subject)

    def require(self, action: str, actor: Principal, subject: Any = None) -> None:
        """Raise Unauthorized (anonymous) or Forbidden unless `actor` may take `action` on `subject`."""
        if not self.may(action, actor, subject):
            raise Unauthorized() if actor.is_anonymous else Forbidden()

    def allowed(self, actor: Principal, subject: Any, actions: Iterable[str]) -> list[str]:
        return [a for a in actions if self.may(a, actor, subject)]

    def table(self) -> list[tuple[str, str]]:
        """(action, who) rows for the docs."""
        return [(name, who.label) for name, who in self.rules.items()]


# --- records addressed by (entity, id) --------------------------------------------------------------
@dataclass(frozen=True)
class RecordAccess:
    """How to load one entity's record by id, and the policy actions that mean read and write."""

    load: Callable[[Session, int], Any | None]
    policy: Policy
    read: str = "read"
    write: str = "update"


_RECORD_ACCESS: dict[str, RecordAccess] = {}


def register_record(entity: str, access: RecordAccess) -> None:
    _RECORD_ACCESS[entity] = access


def registered_entities() -> list[str]:
    return sorted(_RECORD_ACCESS)


def _check(session: Session, actor: Principal, entity: str, entity_id: int, write: bool) -> bool:
    access = _RECORD_ACCESS.get(entity)
    if access is None:
        return False
    record = access.load(session, entity_id)
    if record is None or not access.policy.may(access.read, actor, record):
        return False
    return not write or access.policy.may(access.write, actor, record)


def may_read_record(session: Session, *, actor: Principal, entity: str, entity_id: int) -> bool:
    """Whether `actor` may read record `entity`/`entity_id` (False for unknown entities and ids)."""
    return _check(session, actor, entity, entity_id, write=False)


def may_write_record(session: Session, *, actor: Principal, entity: str, entity_id: int) -> bool:
    """Whether `actor` may change record `entity`/`entity_id` (reading it is a precondition)."""
    return _check(session, actor, entity, entity_id, write=True)
