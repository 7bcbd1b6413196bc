"""Pydantic in/out of the notification services."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event: str
    subject: str
    body: str
    link: str | None = None
    entity: str | None = None
    entity_id: int | None = None
    created_at: datetime
    read_at: datetime | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None


class InboxQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)
    unread_only: bool = False


class InboxPage(BaseModel):
    items: list[NotificationOut]
    total: int
    unread: int
    page: int
    page_size: int


class UnreadOut(BaseModel):
    unread: int


class MarkedOut(BaseModel):
    marked: int


class PreferenceOut(BaseModel):
    event: str
    label_zh: str
    label_en: str
    email: bool = Field(description="Whether this event is e-mailed too (the inbox always gets it)")


class PreferencesOut(BaseModel):
    items: list[PreferenceOut]


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: dict[str, bool] = Field(
        default_factory=dict, max_length=200, description="event → e-mail on/off; events left out stay"
    )
