"""Pydantic input/output of matching: matches with reasons, introductions, the funnel."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from innobridge.core.security import StorableText
from innobridge.core.timestamps import UtcDateTime
from innobridge.core.workflow_views import ActionOut, TimelineEntry
from innobridge.index.schemas import OrgRef
from innobridge.matching.models import CandidateKind, IntroState


class _In(StorableText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- matching -------------------------------------------------------------------------------------
class ReasonOut(BaseModel):
    """One reason a candidate was ranked: a message key with parameters, rendered in both languages."""

    key: str
    params: dict[str, Any] = Field(default_factory=dict)
    zh: str
    en: str


class ExplanationOut(BaseModel):
    matched_terms: list[str] = Field(default_factory=list)
    matched_fields: list[str] = Field(default_factory=list)
    shared_codes: dict[str, list[str]] = Field(default_factory=dict)
    lexical_score: float | None = None
    lexical_rank: int | None = None
    dense_score: float | None = None
    dense_rank: int | None = None
    fused_score: float = 0.0


class CandidateOut(BaseModel):
    kind: CandidateKind | Literal["need"]
    id: int
    rank: int
    title: str
    title_en: str | None = None
    score: float
    owner: OrgRef | None = None
    reasons: list[ReasonOut] = Field(default_factory=list)
    explanation: ExplanationOut | None = None


class MatchTextIn(_In):
    text: str = Field(min_length=1, max_length=2000, description="What is needed, in free text")
    per_kind: int = Field(10, ge=1, le=50)


class MatchOut(BaseModel):
    """A need (or a free text) → one ranked, diversified list per kind of candidate."""

    need_id: int | None = None
    query: str
    achievements: list[CandidateOut]
    experts: list[CandidateOut]
    institutions: list[CandidateOut]
    instruments: list[CandidateOut]
    dense: bool = Field(description="Whether semantic (vector) similarity took part in the ranking")
    allowed_actions: list[str] = Field(
        default_factory=list, description="What the acting user may do with this need's matches (suggest)"
    )


class AchievementMatchOut(BaseModel):
    achievement_id: int
    query: str
    needs: list[CandidateOut]
    enterprises: list[CandidateOut]
    dense: bool


# --- introductions --------------------------------------------------------------------------------
class IntroductionIn(_In):
    need_id: int = Field(ge=1, le=2**31 - 1)
    candidate_kind: CandidateKind
    candidate_id: int = Field(ge=1, le=2**31 - 1)
    note: str | None = Field(None, max_length=2000)


class MoveIn(_In):
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The version you saw; a stale one is refused with 409"
    )
    reason: str | None = Field(None, max_length=2000)
    reason_code: str | None = Field(None, max_length=64, description="One of the action's reason codes")


HistoryOut = TimelineEntry  # one timeline shape for every workflow (core/workflow_views.py)


class IntroductionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    need_id: int
    candidate_kind: CandidateKind
    candidate_id: int
    candidate_org_id: int | None = None
    score: float | None = None
    explanation: dict[str, Any] | None = None
    state: IntroState
    manager_id: int | None = None
    note: str | None = None
    source: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    created_by_id: int | None = None
    contacted_at: UtcDateTime | None = None
    negotiating_at: UtcDateTime | None = None
    signed_at: UtcDateTime | None = None
    closed_at: UtcDateTime | None = None
    need_title: str | None = None
    candidate_title: str | None = None
    version: int = Field(description="Send it back with a move: a stale version is refused (409)")
    state_label_zh: str = ""
    state_label_en: str = ""
    allowed_actions: list[ActionOut] = Field(
        default_factory=list, description="Actions the acting user may take now (legal and permitted)"
    )
    history: list[HistoryOut] = Field(default_factory=list, description="What happened (single reads only)")


class SuggestOut(BaseModel):
    created: list[IntroductionOut]
    existing: int = Field(description="Top candidates that already had an introduction (left as they were)")


class IntroductionQuery(_In):
    need_id: int | None = Field(None, ge=1, le=2**31 - 1)
    state: IntroState | None = None
    candidate_kind: CandidateKind | None = None
    mine: bool = Field(False, description="Only introductions managed by the caller")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=200)


class IntroductionPage(BaseModel):
    items: list[IntroductionOut]
    total: int
    page: int
    page_size: int


# --- the funnel -----------------------------------------------------------------------------------
class FunnelOut(BaseModel):
    since: date
    until: date
    within_days: int
    published: int = Field(description="Needs published (created) in the period")
    suggested: int = Field(description="… with at least one introduction")
    accepted: int = Field(description="… with one contacted or beyond within `within_days` of publication")
    signed: int = Field(description="… with one signed")
    registered: int | None = Field(None, description="… with a registered contract (not available yet)")
    matching_rate: float | None
    deal_rate: float | None
    registered_rate: float | None = None
    registered_available: bool = False
    window_complete: bool = Field(description="Every need of the period has had its full window")
