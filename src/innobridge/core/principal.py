"""Who is acting, and what they may read and write. Pure rules: no database, no web."""

from __future__ import annotations

from dataclasses import dataclass, field

from innobridge.core.models import Visibility
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

    def readable_levels(self) -> tuple[Visibility, ...]:
        """Visibility levels readable regardless of ownership."""
        if self.is_anonymous:
            return (Visibility.public,)
        if self.role in INSIDERS:
            return (Visibility.public, Visibility.registered, Visibility.internal)
        return (Visibility.public, Visibility.registered)

    def can_read(self, visibility: Visibility, owner_org_id: int | None, created_by_id: int | None) -> bool:
        if visibility in self.readable_levels():
            return True
        return self.owns(owner_org_id, created_by_id)

    def owns(self, owner_org_id: int | None, created_by_id: int | None) -> bool:
        if self.is_anonymous:
            return False
        return (owner_org_id is not None and owner_org_id in self.org_ids) or (
            created_by_id is not None and created_by_id == self.user_id
        )

    def can_write(self, owner_org_id: int | None, created_by_id: int | None) -> bool:
        return self.is_overseer or self.owns(owner_org_id, created_by_id)

    def can_create(self) -> bool:
        return not self.is_anonymous


ANONYMOUS = Principal()
SYSTEM = Principal(role=Role.platform_admin, system=True)
