"""HTML routes by area; each module has its own router, gathered here."""

from __future__ import annotations

from fastapi import APIRouter

from innobridge.web.pages import accounts, admin, data, matching, records, search, shell

router = APIRouter(include_in_schema=False)
for _module in (shell, accounts, admin, search, matching, data, records):
    router.include_router(_module.router)
