"""Who may do what with registry records (one declaration; services check it, outputs carry it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from innobridge.core.policy import (
    OVERSEER,
    OWNER,
    READER,
    SIGNED_IN,
    Policy,
    RecordAccess,
    member_of,
    register_record,
)
from innobridge.registry.entities import SPECS

POLICY = Policy(
    "registry",
    {
        "read": READER,
        "create": SIGNED_IN,
        # A record may only be placed with an organisation its author belongs to (subject: the owner).
        "assign_owner": OVERSEER | member_of("owner_org_id"),
        "update": OVERSEER | OWNER,
        "delete": OVERSEER | OWNER,
        "assign_any_owner": OVERSEER,  # may place a record with any organisation (forms offer all)
        "import": OVERSEER,
        "merge": OVERSEER,
        "manage_codes": OVERSEER,
    },
)
# Actions an output lists for the acting user (the buttons of a record page).
RECORD_ACTIONS = ("update", "delete")
# Registry-wide actions, tied to no record (what the data page and record forms offer).
REGISTRY_ACTIONS = ("create", "assign_any_owner", "import", "merge", "manage_codes")


def _loader(entity: str) -> Any:
    model = SPECS[entity].model

    def load(session: Session, record_id: int) -> Any:
        return session.get(model, record_id)

    return load


for _entity in SPECS:
    register_record(_entity, RecordAccess(load=_loader(_entity), policy=POLICY))
