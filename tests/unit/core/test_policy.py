"""The permission vocabulary and the Python form of record visibility (pure: no database)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from innobridge.core.errors import Forbidden, Unauthorized
from innobridge.core.models import Visibility
from innobridge.core.policy import MANAGER, OVERSEER, OWNER, READER, SIGNED_IN, Policy, member_of
from innobridge.core.principal import ANONYMOUS, SYSTEM, Principal
from innobridge.core.users import Role
from innobridge.core.visibility import RECORDS

MEMBER = Principal(user_id=5, org_ids=frozenset({7}))
MANAGER_USER = Principal(user_id=6, role=Role.tech_manager)
OFFICER = Principal(user_id=9, role=Role.programme_officer)


def record(visibility: Visibility, owner: int | None = None, author: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(visibility=visibility, owner_org_id=owner, created_by_id=author)


def test_visibility_levels_owners_and_authors() -> None:
    assert RECORDS.may_read(ANONYMOUS, Visibility.public, None, None)
    assert not RECORDS.may_read(ANONYMOUS, Visibility.registered, None, None)
    assert RECORDS.may_read(MEMBER, Visibility.registered, None, None)
    assert not RECORDS.may_read(MEMBER, Visibility.internal, 8, None)
    assert RECORDS.may_read(MEMBER, Visibility.internal, 7, None)  # own organisation
    assert RECORDS.may_read(MEMBER, Visibility.internal, None, 5)  # own record
    assert RECORDS.may_read(MANAGER_USER, Visibility.internal, 8, None)
    assert RECORDS.may_read(SYSTEM, Visibility.internal, None, None)


def test_who_predicates_combine() -> None:
    owner_or_overseer = OVERSEER | OWNER
    assert owner_or_overseer(MEMBER, record(Visibility.internal, owner=7))
    assert not owner_or_overseer(MEMBER, record(Visibility.internal, owner=8))
    assert not owner_or_overseer(MANAGER_USER, record(Visibility.public, owner=8))  # reads, may not edit
    assert owner_or_overseer(OFFICER, record(Visibility.public, owner=8))
    assert owner_or_overseer(SYSTEM, record(Visibility.public, owner=8))
    assert MANAGER(MANAGER_USER) and not MANAGER(MEMBER) and not MANAGER(ANONYMOUS)
    assert (SIGNED_IN & member_of("need_org"))(MEMBER, SimpleNamespace(need_org=7))
    assert not READER(ANONYMOUS, record(Visibility.registered))
    assert owner_or_overseer.label == "overseer | member of owner_org_id | user created_by_id"


def test_policy_require_says_who_is_missing() -> None:
    policy = Policy("demo", {"edit": OVERSEER | OWNER, "view": READER})
    policy.require("edit", MEMBER, record(Visibility.public, owner=7))
    with pytest.raises(Forbidden):
        policy.require("edit", MEMBER, record(Visibility.public, owner=8))
    with pytest.raises(Unauthorized):
        policy.require("edit", ANONYMOUS, record(Visibility.public, owner=8))
    assert policy.allowed(MEMBER, record(Visibility.public, owner=8), ["view", "edit"]) == ["view"]
    with pytest.raises(KeyError):
        policy.may("fly", MEMBER)
