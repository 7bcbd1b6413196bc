"""CSRF protection: a per-session token, required on every unsafe request authenticated by cookie.

HTML forms carry it in a hidden `csrf_token` field (or the `X-CSRF-Token` header when sent by script);
JSON API calls authenticated by the session cookie must send the `X-CSRF-Token` header. Calls with a
Bearer token carry no ambient authority and are left alone.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_KEY = "csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
API_PREFIX = "/api/"

Refuse = Callable[[Request], Awaitable[Any]]


def ensure_token(request: Request) -> str:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def rotate_token(request: Request) -> str:
    request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return str(request.session[SESSION_KEY])


def _matches(expected: object, given: object) -> bool:
    return (
        isinstance(expected, str)
        and isinstance(given, str)
        and bool(expected)
        and hmac.compare_digest(expected.encode(), given.encode())
    )


class CSRFMiddleware:
    """Runs inside SessionMiddleware (so `scope["session"]` is there) and before any route."""

    def __init__(self, app: ASGIApp, refuse: Refuse) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        session = scope.get("session") or {}
        expected = session.get(SESSION_KEY)
        request = Request(scope, receive)
        header = request.headers.get(HEADER)
        path: str = scope["path"]
        if path.startswith(API_PREFIX):
            bearer = request.headers.get("authorization", "").lower().startswith("bearer ")
            cookie_user = isinstance(session.get("user_id"), int)
            if bearer or not cookie_user or _matches(expected, header):
                await self.app(scope, receive, send)
            else:
                await self._refuse(request, scope, send)
            return
        if _matches(expected, header):
            await self.app(scope, receive, send)
            return
        # An HTML form: read the body (kept for replay), look for the hidden field.
        messages: list[Message] = []

        async def recording() -> Message:
            message = await receive()
            messages.append(message)
            return message

        probe = Request(scope, recording)
        given: object = None
        content_type = probe.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            try:
                form = await probe.form(max_part_size=1024 * 1024)
                given = form.get(FIELD)
                await form.close()
            except Exception:  # a malformed body is refused like a missing token
                given = None
        if not _matches(expected, given):
            await self._refuse(request, scope, send)
            return
        replay = list(messages)

        async def replaying() -> Message:
            if replay:
                return replay.pop(0)
            return await receive()

        await self.app(scope, replaying, send)

    async def _refuse(self, request: Request, scope: Scope, send: Send) -> None:
        response = await self.refuse(request)

        async def empty() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        await response(scope, empty, send)
