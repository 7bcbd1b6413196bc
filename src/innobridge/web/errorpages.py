"""Friendly bilingual error pages for the HTML routes (the JSON API keeps problem+json)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from innobridge.core.i18n import t
from innobridge.web.lang import request_lang
from innobridge.web.render import render

_LEADS = {404: "error.page_not_found_lead", 403: "error.forbidden_lead", 500: "error.internal_lead"}


def wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/openapi.json", "/healthz") or path.startswith("/docs"))


def html_error(
    request: Request,
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    errors: list[str] | None = None,
) -> Response:
    if status == 401 and request.method == "GET":
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    lang = request_lang(request)
    heading = t("error.page_not_found" if status == 404 else code, lang, **(params or {}))
    response: HTMLResponse = render(
        request,
        "error.html",
        status_code=status,
        title=heading,
        status=status,
        heading=heading,
        lead=t(_LEADS[status], lang) if status in _LEADS else "",
        other_heading=t("error.page_not_found" if status == 404 else code, "en" if lang == "zh" else "zh"),
        errors=errors or [],
    )
    return response
