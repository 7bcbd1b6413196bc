"""The language of a request (the `lang` cookie, else Accept-Language; Chinese by default).

Its own module so that problem+json, error pages and page rendering can all read it without
importing each other (they once formed a loop: problems → errorpages → render → problems)."""

from __future__ import annotations

from fastapi import Request

from innobridge.core.i18n import Lang


def request_lang(request: Request) -> Lang:
    lang = request.cookies.get("lang") or request.headers.get("accept-language", "zh")[:2]
    return "en" if lang == "en" else "zh"
