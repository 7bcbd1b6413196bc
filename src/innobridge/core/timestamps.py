"""Timestamps on output: always with their UTC offset. SQLite hands `DateTime(timezone=True)` columns back
without one, and an RFC 3339 `date-time` (what the OpenAPI schema promises) needs it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
