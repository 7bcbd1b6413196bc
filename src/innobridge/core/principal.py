"""Who is acting: identity, role and organisations. What they may do is core/policy.py and
core/visibility.py; pure data, no database, no web."""

from __future__ import annotations

from dataclasses import dataclass, field

from innobridge.core.users import Role

# Roles that see internal records of every organisation and may edit any record.
OVERSEERS = frozenset({Role.programme_officer, Role.platform_admin})
# Roles that see internal records (to broker deals) but edit only what they own.
INSIDERS = OVERSEERS | {Role.tech_manager}


@dataclass(frozen=True)
class Principal:
    """The acting user as the services see it: never a request or an ORM object."""

    user_id: int | None = None
    role: Role = Role.member
    org_ids: frozenset[int] = field(default_factory=frozenset)
    admin_org_ids: frozenset[int] = field(default_factory=frozenset)
    system: bool = False  # the CLI and background jobs act as the platform itself

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.system

    @property
    def is_overseer(self) -> bool:
        return not self.is_anonymous and self.role in OVERSEERS


ANONYMOUS = Principal()
SYSTEM = Principal(role=Role.platform_admin, system=True)
