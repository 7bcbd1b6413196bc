"""Matching use cases, by concern: ranked candidates (ranking),
introductions through their workflow (introductions) and the matching-rate funnel (funnel).

Every function is keyword-only and typed, takes the acting Principal and Pydantic input and returns
Pydantic output. Writers take the caller's UnitOfWork (it commits); readers take a plain Session.
"""

from innobridge.matching import messages as _messages  # noqa: F401 - registers matching's messages
from innobridge.matching.service.common import NEED_LISTS, PER_OWNER
from innobridge.matching.service.funnel import matching_rate
from innobridge.matching.service.introductions import (
    create_introduction,
    get_introduction,
    list_introductions,
    move_introduction,
    suggest_introductions,
)
from innobridge.matching.service.ranking import match_achievement, match_need, match_text

__all__ = [
    "NEED_LISTS",
    "PER_OWNER",
    "create_introduction",
    "get_introduction",
    "list_introductions",
    "match_achievement",
    "match_need",
    "match_text",
    "matching_rate",
    "move_introduction",
    "suggest_introductions",
]
