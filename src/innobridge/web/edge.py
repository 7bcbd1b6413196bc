"""Refuse text no database can store before any route sees it: NUL characters and lone surrogates in the
query string, the path, a JSON body or a form body answer 422 naming the field (PostgreSQL refuses NUL in
text, and a lone surrogate cannot be encoded as UTF-8: both were 500s). The schemas check the same for
input that arrives otherwise (files, the CLI)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from innobridge.core.i18n import t
from innobridge.core.security import text_problem
from innobridge.web.errorpages import html_error, wants_html
from innobridge.web.lang import request_lang
from innobridge.web.problems import problem

_JSON_SUSPECTS = (b"\\u0000", b"\\ud8", b"\\ud9", b"\\uda", b"\\udb", b"\\udc", b"\\udd", b"\\ude", b"\\udf")


def _first_bad(value: Any, where: str) -> tuple[str, str] | None:
    """(field path, message code) of the first string in a JSON value that cannot be stored."""
    if isinstance(value, str):
        code = text_problem(value)
        return (where, code) if code else None
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        if isinstance(key, str) and (code := text_problem(key)):
            return (where, code)
        found = _first_bad(item, f"{where}.{key}")
        if found:
            return found
    return None


def _in_pairs(pairs: list[tuple[str, str]], where: str) -> tuple[str, str] | None:
    for key, value in pairs:
        code = text_problem(key) or text_problem(value)
        if code:
            return (f"{where}.{key.replace(chr(0), '')}", code)
    return None


def _in_body(content_type: str, body: bytes) -> tuple[str, str] | None:
    if content_type.startswith("application/json") or content_type.endswith("+json"):
        lowered = body.lower()
        if not any(s in lowered for s in _JSON_SUSPECTS):
            return None
        try:
            return _first_bad(json.loads(body), "body")
        except (ValueError, RecursionError):  # not JSON (or absurdly deep): the route's parsing answers
            return None
    if content_type.startswith("application/x-www-form-urlencoded"):
        text = body.decode("latin-1")
        return _in_pairs(parse_qsl(text, keep_blank_values=True, errors="replace"), "body")
    return None  # multipart: files may hold any bytes; their text fields meet the schemas' check


class TextGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        found = _in_pairs(parse_qsl(query, keep_blank_values=True, errors="replace"), "query")
        if not found and (code := text_problem(scope["path"])):
            found = ("path", code)
        if found:
            await self._refuse(scope, found, send)
            return
        content_type = ""
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                content_type = value.decode("latin-1").lower()
        if not content_type.startswith(("application/json", "application/x-www-form-urlencoded")) and not (
            content_type.split(";")[0].endswith("+json")
        ):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = bytearray()
        while True:  # JSON and form bodies are small; the route would read them whole anyway
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                break
        found = _in_body(content_type, bytes(body))
        if found:
            await self._refuse(scope, found, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, found: tuple[str, str], send: Send) -> None:
        field, code = found
        request = Request(scope)
        lang = request_lang(request)
        if wants_html(request):
            response = html_error(request, 422, "error.invalid", errors=[f"{field}: {t(code, lang)}"])
        else:
            error = {"field": field, "code": code, "message": t(code, lang)}
            response = problem(422, "error.invalid", lang, errors=[error])

        async def empty() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        await response(scope, empty, send)
