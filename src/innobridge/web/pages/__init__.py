"""The shell's HTML routes (home, language, accounts, admin), one router per module, gathered here;
features' pages are their own (`<feature>/pages`, named in the manifest) and web/app.py adds them."""

from __future__ import annotations

from fastapi import APIRouter

from innobridge.web.pages import accounts, admin, inbox, shell

router = APIRouter(include_in_schema=False)
for _module in (shell, accounts, admin, inbox):
    router.include_router(_module.router)
