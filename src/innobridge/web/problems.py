"""Errors as RFC 9457 problem+json (API) — the web pages render the same errors as HTML."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from innobridge.core.errors import AppError, Invalid
from innobridge.core.i18n import Lang, register, t
from innobridge.web.errorpages import html_error, wants_html
from innobridge.web.lang import request_lang

__all__ = ["install", "problem", "request_lang"]
log = logging.getLogger("innobridge.web")
register({"error.method_not_allowed": {"zh": "不支持该请求方法", "en": "Method not allowed"}})


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


def allowed_methods(request: Request) -> str:
    """Every method some route answers at this path: the router names only the first route it matched
    (GET /needs and POST /needs are two routes), a 405 must name them all."""
    from innobridge.web.openapi import every_route  # openapi imports this module's neighbours

    path = request.url.path
    routes = [r for r in every_route(request.app.routes) if r.path_regex.match(path)]
    return ", ".join(sorted({m for r in routes for m in r.methods or ()}))


def _field_errors(errors: list[Any], lang: Lang) -> list[dict[str, Any]]:
    return [
        {"field": e.field, "code": e.code, "message": t(e.code, lang, **e.params), "row": e.row}
        for e in errors
    ]


def install(app: FastAPI) -> None:
    # Pages (every path outside /api/) get friendly HTML error pages; the API gets problem+json.
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        if wants_html(request):
            lang = request_lang(request)
            errors = [t(e.code, lang, **e.params) for e in exc.errors] if isinstance(exc, Invalid) else []
            return html_error(request, exc.status, exc.code, exc.params, errors)
        extra = (
            {"errors": _field_errors(exc.errors, request_lang(request))} if isinstance(exc, Invalid) else {}
        )
        return problem(exc.status, exc.code, request_lang(request), exc.params, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            messages = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()]
            return html_error(request, 422, "error.invalid", errors=messages)
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
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {
            404: "error.not_found",
            401: "error.unauthorized",
            403: "error.forbidden",
            405: "error.method_not_allowed",
        }.get(exc.status_code, "error.bad_request")
        response = (
            html_error(request, exc.status_code, code)
            if wants_html(request)
            else problem(exc.status_code, code, request_lang(request))
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        if exc.status_code == 405:  # RFC 9110: say which methods the resource has
            response.headers["Allow"] = allowed_methods(request)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        if wants_html(request):
            return html_error(request, 500, "error.internal")
        return problem(500, "error.internal", request_lang(request))
