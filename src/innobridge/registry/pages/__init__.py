"""The registry's HTML pages: record lists, details and forms (`records`), bulk import and export
(`data`); one router for the app (named in the manifest, innobridge/features.py)."""

from __future__ import annotations

from fastapi import APIRouter

from innobridge.registry import messages as _messages  # noqa: F401 - registers the pages' texts
from innobridge.registry.pages import data, records

router = APIRouter()
for _module in (data, records):
    router.include_router(_module.router)
