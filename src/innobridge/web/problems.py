"""Errors as RFC 9457 problem+json (API) — the web pages render the same errors as HTML."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from innobridge.core.errors import AppError, Invalid
from innobridge.core.i18n import Lang, t

log = logging.getLogger("innobridge.web")


def request_lang(request: Request) -> Lang:
    lang = request.cookies.get("lang") or request.headers.get("accept-language", "zh")[:2]
    return "en" if lang == "en" else "zh"


def problem(
    status: int, code: str, lang: Lang, params: dict[str, Any] | None = None, **extra: Any
) -> JSONResponse:
    body = {
        "type": f"about:blank#{code}",
        "title": t(code, lang, **(params or {})),
        "status": status,
        "code": code,
    }
    if params:
        body["params"] = {
            k: v if isinstance(v, str | int | float | bool | None) else str(v) for k, v in params.items()
        }
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _field_errors(errors: list[Any], lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": e.field, "code": e.code, "message": t(e.code, lang, **e.params), "row": e.row}
        for e in errors
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        extra = (
            {"errors": _field_errors(exc.errors, request_lang(request))} if isinstance(exc, Invalid) else {}
        )
        return problem(exc.status, exc.code, request_lang(request), exc.params, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())),
                "code": f"pydantic.{e.get('type')}",
                "message": str(e.get("msg")),
            }
            for e in exc.errors()
        ]
        return problem(422, "error.invalid", request_lang(request), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "error.not_found", 401: "error.unauthorized", 403: "error.forbidden"}.get(
            exc.status_code, "error.bad_request"
        )
        return problem(exc.status_code, code, request_lang(request))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "error.internal", request_lang(request))
