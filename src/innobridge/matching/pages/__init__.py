"""Matching's HTML pages: cross-entity search (`search`), candidates for a need or an achievement and
the introductions workflow (`introductions`); one router for the app (named in the manifest)."""

from __future__ import annotations

from fastapi import APIRouter

from innobridge.matching.pages import introductions, search

router = APIRouter()
for _module in (search, introductions):
    router.include_router(_module.router)
