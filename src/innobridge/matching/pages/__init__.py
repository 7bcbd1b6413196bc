"""Matching's HTML pages: candidates for a need or an achievement and the introductions workflow
(`introductions`); one router for the app (named in the manifest)."""

from __future__ import annotations

from fastapi import APIRouter

from innobridge.matching.pages import introductions

router = APIRouter()
router.include_router(introductions.router)
