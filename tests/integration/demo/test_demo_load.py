"""The demo set loads through the services on every backend, is valid, bilingual and idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from innobridge.core.accounts import authenticate, principal_for
from innobridge.core.audit import AuditEvent
from innobridge.core.context import Context
from innobridge.core.users import User
from innobridge.demo import DEMO_USERS, build_demo, demo_relevance, load_demo
from innobridge.registry import service
from innobridge.registry.entities import ORDER, SPECS
from innobridge.registry.models import Achievement, Need, Organisation
from innobridge.registry.rules import is_valid_credit_code


def _counts(ctx: Context) -> dict[str, int]:
    with ctx.session() as s:
        return {name: service.count_records(s, SPECS[name]) for name in ORDER}


def test_loads_at_least_300_records_of_every_entity(ctx: Context) -> None:
    steps: list[tuple[str, int]] = []
    result = load_demo(ctx, progress=lambda step, n: steps.append((step, n)))
    counts = _counts(ctx)
    assert sum(counts.values()) >= 300
    assert all(counts[name] > 0 for name in ORDER), counts
    assert {name: result[name] for name in ORDER} == counts
    assert result["created"] == sum(counts.values())
    assert [s for s, _ in steps] == [*ORDER, "user"]


def test_every_stored_record_validates_against_its_input_schema(ctx: Context) -> None:
    load_demo(ctx)
    with ctx.session() as s:
        for name in ORDER:
            spec = SPECS[name]
            for obj in s.scalars(select(spec.model)):
                spec.schema_in.model_validate(service.current_input(spec, obj))
        for code in s.scalars(select(Organisation.credit_code).where(Organisation.credit_code.is_not(None))):
            assert is_valid_credit_code(code)


def test_second_run_changes_nothing(ctx: Context) -> None:
    load_demo(ctx)
    before = _counts(ctx)
    with ctx.session() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
        users = s.scalar(select(func.count()).select_from(User))
    again = load_demo(ctx)
    assert (again["created"], again["updated"], again["users_created"]) == (0, 0, 0)
    assert again["unchanged"] == sum(before.values())
    assert _counts(ctx) == before
    with ctx.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
        assert s.scalar(select(func.count()).select_from(User)) == users


def test_bilingual_and_mixed_visibility(ctx: Context) -> None:
    load_demo(ctx)
    with ctx.session() as s:
        orgs = s.scalars(select(Organisation)).all()
        with_en = [o for o in orgs if o.name_en]
        assert len(with_en) >= 0.9 * len(orgs)
        assert s.scalar(select(func.count()).where(Achievement.language == "en")) >= 5
        assert {str(v) for v in s.scalars(select(Achievement.visibility).distinct())} == {
            "public",
            "registered",
            "internal",
        }


def test_demo_users_log_in_with_roles_and_memberships(ctx: Context) -> None:
    load_demo(ctx)
    with ctx.session() as s:
        for u in DEMO_USERS:
            out = authenticate(s, email=u.email, password=u.password)
            assert out is not None and out.role == u.role
            principal = principal_for(s, out.id)
            assert principal is not None
            assert bool(principal.org_ids) == (u.org_ref is not None)


def test_relevance_points_at_loaded_needs_and_achievements(ctx: Context) -> None:
    load_demo(ctx)
    rel = demo_relevance()
    assert len(rel) == len(build_demo().needs)
    assert all(1 <= len(answers) <= 3 for answers in rel.values())
    with ctx.session() as s:
        need_ext = set(s.scalars(select(Need.external_id)))
        ach_ext = set(s.scalars(select(Achievement.external_id)))
    assert set(rel) <= need_ext
    assert {a for answers in rel.values() for a in answers} <= ach_ext
