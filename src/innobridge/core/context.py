"""The composition root's product: settings, database and listeners, shared by server, CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from innobridge.core.config import Settings
from innobridge.core.db import make_engine, make_session_factory
from innobridge.core.unit_of_work import ChangeListener, UnitOfWork


@dataclass
class Context:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    listeners: list[ChangeListener] = field(default_factory=list)
    # Feature services that live as long as the process (e.g. the search index), by name.
    services: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine | None = None) -> Context:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = engine or make_engine(settings.resolved_database_url)
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine))

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.listeners)

    def session(self) -> Session:
        return self.sessions()
