"""The registry's entity table: one spec per entity, read by the generic service, API, import and export."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from innobridge.core.errors import NotFound
from innobridge.core.models import Base
from innobridge.registry import models as m
from innobridge.registry import rules
from innobridge.registry import schemas as s
from innobridge.registry.models import NeedStatus


@dataclass(frozen=True)
class EntitySpec:
    name: str  # singular, used in CLI and audit events
    plural: str  # URL segment and table-ish name
    label_zh: str
    label_en: str
    model: type[Base]
    schema_in: type[BaseModel]
    schema_out: type[BaseModel]
    natural_key: Callable[[dict[str, Any]], str]  # from validated input (ids resolved)
    title_field: str  # what lists and pickers show
    # Fields referencing organisations: resolved from key / credit code / name in files.
    org_refs: tuple[str, ...] = ("organisation_id",)
    sortable: tuple[str, ...] = ("id", "created_at", "updated_at")

    @property
    def fields(self) -> list[str]:
        return list(self.schema_in.model_fields)


KEY_LENGTH = 300  # the `key` column (registry/models.py)


def _name_key(*parts: object) -> str:
    key = "name:" + "|".join(rules.normalise_name(str(p)) if isinstance(p, str) else str(p) for p in parts)
    if len(key) <= KEY_LENGTH:
        return key
    # Titles may hold 500 characters (and NFKC folding can lengthen them): a long key keeps its start,
    # readable, and ends in a digest of the whole, so it fits the column and stays unique.
    return key[: KEY_LENGTH - 41] + "#" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def _org_key(d: dict[str, Any]) -> str:
    return rules.first_key(
        ("ucc", d.get("credit_code")), ("moe", d.get("moe_code")), ("ext", d.get("external_id"))
    ) or _name_key(d["name_zh"], d.get("region_code") or "")


def _person_key(d: dict[str, Any]) -> str:
    return rules.first_key(("orcid", d.get("orcid")), ("ext", d.get("external_id"))) or _name_key(
        d["name_zh"], d.get("organisation_id") or 0
    )


def _instrument_key(d: dict[str, Any]) -> str:
    return rules.first_key(("asset", d.get("asset_no")), ("ext", d.get("external_id"))) or _name_key(
        d["name_zh"], d.get("model") or "", d.get("organisation_id") or 0
    )


def _project_key(d: dict[str, Any]) -> str:
    return rules.first_key(("approval", d.get("approval_no")), ("ext", d.get("external_id"))) or _name_key(
        d["title"], d.get("organisation_id") or 0
    )


def _achievement_key(d: dict[str, Any]) -> str:
    return rules.first_key(
        ("ip", (d.get("ip_number") or "").replace(" ", "").upper() or None),
        ("doi", (d.get("doi") or "").lower() or None),
        ("ext", d.get("external_id")),
    ) or _name_key(d["title"], d.get("organisation_id") or 0)


def _need_key(d: dict[str, Any]) -> str:
    return rules.first_key(("ext", d.get("external_id"))) or _name_key(
        d["title"], d.get("organisation_id") or 0
    )


def _dataset_key(d: dict[str, Any]) -> str:
    return rules.first_key(
        ("doi", (d.get("doi") or "").lower() or None), ("ext", d.get("external_id"))
    ) or _name_key(d["title"], d.get("organisation_id") or 0)


SPECS: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "organisation",
            "organisations",
            "机构",
            "Organisations",
            m.Organisation,
            s.OrganisationIn,
            s.out_schema(s.OrganisationIn),
            _org_key,
            "name_zh",
            org_refs=("parent_id",),
            sortable=("id", "name_zh", "created_at", "updated_at", "region_code"),
        ),
        EntitySpec(
            "person",
            "people",
            "专家人才",
            "Experts",
            m.Person,
            s.PersonIn,
            s.out_schema(s.PersonIn),
            _person_key,
            "name_zh",
            sortable=("id", "name_zh", "created_at", "updated_at"),
        ),
        EntitySpec(
            "instrument",
            "instruments",
            "仪器设施",
            "Instruments",
            m.Instrument,
            s.InstrumentIn,
            s.out_schema(s.InstrumentIn),
            _instrument_key,
            "name_zh",
            sortable=("id", "name_zh", "created_at", "updated_at", "original_value"),
        ),
        EntitySpec(
            "project",
            "projects",
            "科研项目",
            "Projects",
            m.Project,
            s.ProjectIn,
            s.out_schema(s.ProjectIn),
            _project_key,
            "title",
            sortable=("id", "title", "created_at", "updated_at", "start_year", "budget"),
        ),
        EntitySpec(
            "achievement",
            "achievements",
            "科技成果",
            "Achievements",
            m.Achievement,
            s.AchievementIn,
            s.out_schema(s.AchievementIn),
            _achievement_key,
            "title",
            sortable=("id", "title", "created_at", "updated_at", "year", "trl"),
        ),
        EntitySpec(
            "need",
            "needs",
            "技术需求",
            "Technology needs",
            m.Need,
            s.NeedIn,
            s.out_schema(
                s.NeedIn, {"status": (NeedStatus, Field(NeedStatus.open, title="状态", description="Status"))}
            ),
            _need_key,
            "title",
            sortable=("id", "title", "created_at", "updated_at", "deadline"),
        ),
        EntitySpec(
            "dataset",
            "datasets",
            "科学数据",
            "Data sets",
            m.Dataset,
            s.DatasetIn,
            s.out_schema(s.DatasetIn),
            _dataset_key,
            "title",
            sortable=("id", "title", "created_at", "updated_at", "year"),
        ),
    )
}
BY_PLURAL = {spec.plural: spec for spec in SPECS.values()}
# Import order that satisfies references (organisations first).
ORDER = ("organisation", "person", "instrument", "project", "achievement", "need", "dataset")


def spec_for(name: str) -> EntitySpec:
    spec = SPECS.get(name) or BY_PLURAL.get(name)
    if spec is None:
        raise NotFound("error.unknown_entity", entity=name)
    return spec
