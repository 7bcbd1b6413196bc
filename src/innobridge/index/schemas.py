"""Pydantic input/output of registry-wide search with facets."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from innobridge.core.security import StorableText

EntityKind = Literal["organisation", "person", "instrument", "project", "achievement", "need", "dataset"]
SearchMode = Literal["lexical", "dense", "hybrid"]
FACETS = ("kind", "discipline", "region", "year", "trl")


class _In(StorableText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SearchIn(_In):
    q: str = Field("", max_length=200, description="Keywords, Chinese or English; empty: browse")
    kinds: list[EntityKind] = Field(default_factory=list, max_length=7, description="Entities; empty: all")
    discipline: str | None = Field(None, pattern=r"^\d{3}(\d{2}){0,2}$", description="GB/T 13745 code")
    industry: str | None = Field(None, pattern=r"^[A-T](\d{2,4})?$", description="GB/T 4754 code")
    region: str | None = Field(None, pattern=r"^\d{2,6}$", description="GB/T 2260 code or its prefix")
    year_from: int | None = Field(None, ge=1900, le=2100)
    year_to: int | None = Field(None, ge=1900, le=2100)
    trl_min: int | None = Field(None, ge=1, le=9, description="Technology readiness from (achievements)")
    trl_max: int | None = Field(None, ge=1, le=9, description="Technology readiness to (achievements)")
    organisation_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Owner organisation")
    page: int = Field(1, ge=1, le=500)
    page_size: int = Field(20, ge=1, le=100)
    mode: SearchMode = "hybrid"


class OrgRef(BaseModel):
    id: int
    name_zh: str
    name_en: str | None = None


class FacetBucket(BaseModel):
    value: str
    count: int
    label_zh: str
    label_en: str


class SearchItem(BaseModel):
    kind: EntityKind
    id: int
    title: str
    title_en: str | None = None
    score: float
    highlights: dict[str, str] = Field(
        default_factory=dict, description="field → HTML-escaped snippet with <mark>…</mark>"
    )
    owner: OrgRef | None = None
    year: int | None = None


class SearchOut(BaseModel):
    items: list[SearchItem]
    total: int
    page: int
    page_size: int
    facets: dict[str, list[FacetBucket]]
