"""The unit of work: one transaction per use case; index updates and notices only after commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from innobridge.core.audit import AuditEvent
from innobridge.core.principal import Principal


@dataclass(frozen=True)
class Change:
    """A committed change to one record, for listeners such as the search index."""

    entity: str
    entity_id: int
    op: Literal["upsert", "delete"]


ChangeListener = Callable[[list[Change]], None]


class UnitOfWork:
    """`with uow:` opens a session; leaving the block commits, an exception rolls back.

    Services write through `uow.session`, record audit events with `uow.audit` (written in the same
    transaction, so an event exists exactly when its change does) and announce changed records with
    `uow.changed`; listeners hear of them only after the commit succeeded.
    """

    def __init__(self, session_factory: sessionmaker[Session], listeners: list[ChangeListener] | None = None):
        self._factory = session_factory
        self._listeners = listeners if listeners is not None else []
        self._session: Session | None = None
        self._changes: list[Change] = []

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its `with` block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        self._changes = []
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                session.commit()
                changes, self._changes = self._changes, []
                if changes:
                    for listener in self._listeners:
                        listener(changes)
            else:
                session.rollback()
        finally:
            session.close()
            self._session = None

    def audit(
        self,
        *,
        actor: Principal,
        action: str,
        entity: str,
        entity_id: int | None,
        from_state: str | None = None,
        to_state: str | None = None,
        reason: str | None = None,
        reason_code: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None:
        self.session.add(
            AuditEvent(
                actor_id=actor.user_id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                reason_code=reason_code,
                changes=changes,
            )
        )

    def changed(self, entity: str, entity_id: int, op: Literal["upsert", "delete"] = "upsert") -> None:
        self._changes.append(Change(entity, entity_id, op))
