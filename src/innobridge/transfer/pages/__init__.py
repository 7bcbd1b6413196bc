"""Transfer's HTML pages: technology contracts — lists, the registration queue, detail with timeline,
actions and the contract document, and the create/edit form (`contracts`); one router for the app."""

from __future__ import annotations

from fastapi import APIRouter

from innobridge.transfer.pages import contracts

router = APIRouter()
router.include_router(contracts.router)
