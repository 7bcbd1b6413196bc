"""Account use cases: register, authenticate, tokens, roles and memberships."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from innobridge.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from innobridge.core.i18n import register
from innobridge.core.principal import Principal
from innobridge.core.security import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_api_token,
    password_problem,
    token_hash,
    verify_password,
)
from innobridge.core.timestamps import UtcDateTime
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.core.users import ApiToken, Membership, OrgRole, Role, User

register(
    {
        "error.password_too_short": {
            "zh": f"密码至少 {MIN_PASSWORD_LENGTH} 位",
            "en": f"Passwords need at least {MIN_PASSWORD_LENGTH} characters",
        },
        "error.password_too_long": {"zh": "密码过长", "en": "This password is too long"},
        "error.password_common": {
            "zh": "这是常见密码（或由常见密码加数字、符号构成），容易被猜中，请换一个",
            "en": "This is a commonly used password (or one with digits or symbols added): choose another",
        },
        "error.password_context": {
            "zh": "密码不能由邮箱名或网站名构成",
            "en": "Passwords must not be built from your e-mail name or the site's name",
        },
    }
)


def password_error(password: str, *, email: str = "", name: str = "") -> FieldError | None:
    """The password rule broken, as a field error on `password` (core/security.py password_problem)."""
    code = password_problem(password, context=(email.partition("@")[0], name))
    return FieldError("password", code) if code else None


class UserIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    email: EmailStr
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=200)
    language: str = Field("zh", pattern=r"^(zh|en)$")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    role: Role
    language: str
    is_active: bool
    created_at: UtcDateTime


class MembershipOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    organisation_id: int
    role: OrgRole


def register_user(
    uow: UnitOfWork, *, data: UserIn, role: Role = Role.member, actor: Principal | None = None
) -> UserOut:
    """Self-registration gives `member`; any other role needs a platform admin."""
    if role != Role.member and not (actor and actor.role == Role.platform_admin and not actor.is_anonymous):
        raise Forbidden()
    problem = password_error(data.password, email=data.email, name=data.name)
    if problem:
        raise Invalid([problem])
    session = uow.session
    email = data.email.lower()
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("error.email_taken")
    user = User(
        email=email,
        name=data.name,
        password_hash=hash_password(data.password),
        role=role,
        language=data.language,
    )
    session.add(user)
    session.flush()
    uow.audit(
        actor=actor or Principal(user_id=user.id),
        action="register",
        entity="user",
        entity_id=user.id,
        to_state=role.value,
    )
    return UserOut.model_validate(user)


def authenticate(session: Session, *, email: str, password: str) -> UserOut | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        return None
    return UserOut.model_validate(user)


def session_epoch(session: Session, *, user_id: int) -> int:
    """The epoch a session cookie issued now must carry (see principal_for)."""
    return session.scalar(select(User.session_epoch).where(User.id == user_id)) or 0


def end_sessions(uow: UnitOfWork, *, user_id: int) -> None:
    """Log out: every session cookie issued to this user so far stops working, copies included (a signed
    cookie cannot be recalled, so the epoch it carries is what expires). API tokens are not touched."""
    uow.session.execute(update(User).where(User.id == user_id).values(session_epoch=User.session_epoch + 1))


def set_password(uow: UnitOfWork, *, actor: Principal, user_id: int, password: str) -> None:
    """A new password for oneself (or anyone, for a platform admin); sessions elsewhere end with it."""
    is_admin = actor.role == Role.platform_admin and not actor.is_anonymous
    if actor.user_id != user_id and not is_admin:
        raise Forbidden()
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    problem = password_error(password, email=user.email, name=user.name)
    if problem:
        raise Invalid([problem])
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    uow.audit(actor=actor, action="set_password", entity="user", entity_id=user_id)


def principal_for_cookie(session: Session, *, user_id: int, epoch: object) -> Principal | None:
    """The principal of a session cookie, or None when it was issued before the user last logged out or
    changed password (its epoch is behind), or carries no epoch at all."""
    user = session.get(User, user_id)
    if user is None or not isinstance(epoch, int) or isinstance(epoch, bool) or epoch != user.session_epoch:
        return None
    return principal_for(session, user_id)


def principal_for(session: Session, user_id: int) -> Principal | None:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    rows = session.execute(
        select(Membership.organisation_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return Principal(
        user_id=user.id,
        role=user.role,
        org_ids=frozenset(r[0] for r in rows),
        admin_org_ids=frozenset(r[0] for r in rows if r[1] == OrgRole.org_admin),
    )


def principal_for_token(session: Session, token: str) -> Principal | None:
    row = session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked.is_(False))
    )
    return principal_for(session, row.user_id) if row else None


def list_users(
    session: Session, *, actor: Principal, q: str | None = None, page: int = 1, page_size: int = 50
) -> tuple[list[UserOut], int]:
    """Platform admins list users (newest first), optionally by a piece of e-mail or name. Read-only."""
    if actor.role != Role.platform_admin or actor.is_anonymous:
        raise Forbidden()
    stmt = select(User)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(func.lower(User.email).like(like) | func.lower(User.name).like(like))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(User.id.desc()).offset((page - 1) * page_size).limit(page_size))
    return [UserOut.model_validate(u) for u in rows], total


def memberships_of(session: Session, *, actor: Principal, user_ids: list[int]) -> list[MembershipOut]:
    """Memberships of the given users, for platform admins. Read-only."""
    if actor.role != Role.platform_admin or actor.is_anonymous:
        raise Forbidden()
    rows = session.scalars(select(Membership).where(Membership.user_id.in_(user_ids)))
    return [MembershipOut.model_validate(m) for m in rows]


def create_api_token(uow: UnitOfWork, *, actor: Principal, name: str) -> str:
    if actor.user_id is None:
        raise Forbidden()
    token, digest = new_api_token()
    uow.session.add(ApiToken(user_id=actor.user_id, name=name, token_hash=digest))
    uow.audit(actor=actor, action="create_token", entity="user", entity_id=actor.user_id, reason=name)
    return token


def set_role(
    uow: UnitOfWork, *, actor: Principal, user_id: int, role: Role, reason: str | None = None
) -> UserOut:
    if actor.role != Role.platform_admin or actor.is_anonymous:
        raise Forbidden()
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound()
    before = user.role
    user.role = role
    uow.audit(
        actor=actor,
        action="set_role",
        entity="user",
        entity_id=user_id,
        from_state=before.value,
        to_state=role.value,
        reason=reason,
    )
    return UserOut.model_validate(user)


def set_membership(
    uow: UnitOfWork, *, actor: Principal, user_id: int, organisation_id: int, role: OrgRole = OrgRole.member
) -> MembershipOut:
    """Platform admins and the organisation's admins manage who belongs to it."""
    if (
        not (actor.role == Role.platform_admin and not actor.is_anonymous)
        and organisation_id not in actor.admin_org_ids
    ):
        raise Forbidden()
    session = uow.session
    if session.get(User, user_id) is None:
        raise NotFound()
    m = session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.organisation_id == organisation_id)
    )
    before = m.role.value if m else None
    if m is None:
        m = Membership(user_id=user_id, organisation_id=organisation_id, role=role)
        session.add(m)
    else:
        m.role = role
    session.flush()
    uow.audit(
        actor=actor,
        action="set_membership",
        entity="organisation",
        entity_id=organisation_id,
        from_state=before,
        to_state=role.value,
        changes={"user_id": user_id},
    )
    return MembershipOut.model_validate(m)


def members_of(session: Session, org_ids: Iterable[int | None]) -> set[int]:
    """The user ids of every member of these organisations (who hears of what concerns them)."""
    wanted = {o for o in org_ids if o is not None}
    if not wanted:
        return set()
    return set(session.scalars(select(Membership.user_id).where(Membership.organisation_id.in_(wanted))))
