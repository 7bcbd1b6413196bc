"""Code lists (GB/T 13745 disciplines, GB/T 4754 industries, GB/T 2260 regions, IPC) loaded from files."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from innobridge.core.errors import FieldError, Forbidden, Invalid
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry.files import Table
from innobridge.registry.models import Code
from innobridge.registry.policy import POLICY

SCHEMES = ("discipline", "industry", "region", "ipc", "nsfc")
_LEVELS = {"门类": 1, "大类": 2, "中类": 3, "小类": 4}


def _parent(scheme: str, code: str) -> str | None:
    if scheme == "discipline" and code.isdigit() and len(code) > 3:
        return code[:-2]
    if scheme == "region" and len(code) == 6:
        if code.endswith("0000"):
            return None
        return code[:4] + "00" if not code.endswith("00") else code[:2] + "0000"
    if scheme == "ipc" and len(code) > 1:
        return code.split("/")[0] if "/" in code else (code[:3] if len(code) == 4 else code[:1])
    return None


def load_codes(uow: UnitOfWork, *, actor: Principal, scheme: str, table: Table) -> dict[str, int]:
    """Upsert a code list. Columns: code, name (or name_zh), optional name_en, parent, level."""
    if not POLICY.may("manage_codes", actor):
        raise Forbidden()
    if scheme not in SCHEMES:
        raise Invalid([FieldError("scheme", "field.invalid", {"detail": f"one of {', '.join(SCHEMES)}"})])
    session = uow.session
    existing = {c.code: c for c in session.scalars(select(Code).where(Code.scheme == scheme))}
    created = updated = 0
    for _, row in table.rows:
        code = str(row.get("code") or row.get("_id") or "").strip()
        name = str(row.get("name_zh") or row.get("name") or "").strip()
        if not code or not name:
            continue
        level: Any = row.get("level")
        values = {
            "name_zh": name,
            "name_en": (str(row.get("name_en") or "").strip() or None),
            "parent": (str(row.get("parent") or "").strip() or _parent(scheme, code)),
            "level": _LEVELS.get(str(level), int(level) if str(level or "").isdigit() else None),
        }
        obj = existing.get(code)
        if obj is None:
            existing[code] = Code(scheme=scheme, code=code, **values)
            session.add(existing[code])
            created += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            updated += 1
    uow.audit(
        actor=actor,
        action="load_codes",
        entity="code",
        entity_id=None,
        reason=scheme,
        changes={"created": created, "updated": updated},
    )
    return {"created": created, "updated": updated}
