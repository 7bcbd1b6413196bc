"""The app factory: JSON API + server-rendered pages over one Context."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.sessions import SessionMiddleware

from innobridge import __version__, features
from innobridge.core import jobs
from innobridge.core.config import get_settings
from innobridge.core.context import Context
from innobridge.index import service as indexing
from innobridge.web import files_api, openapi, problems
from innobridge.web.csrf import CSRFMiddleware
from innobridge.web.edge import TextGuardMiddleware
from innobridge.web.errorpages import html_error, wants_html
from innobridge.web.headers import SecurityHeadersMiddleware
from innobridge.web.notifications_api import router as notifications_api
from innobridge.web.pages import router as pages_router
from innobridge.web.ratelimit import LoginLimiter

STATIC = Path(__file__).resolve().parent / "static"


async def _refuse_csrf(request: Request) -> Response:
    if wants_html(request):
        return html_error(request, 403, "error.csrf")
    return problems.problem(403, "error.csrf", problems.request_lang(request))


def create_app(context: Context) -> FastAPI:
    # Swagger UI and ReDoc from the pinned fastapi-offline package, not a CDN: /docs works offline.
    app = FastAPIOffline(
        title="InnoBridge 科创桥",
        version=__version__,
        description="科技创新服务平台 API · Science-and-technology innovation services API",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from validator.swagger.io
    )
    app.state.context = context
    features.load_all("messages")  # the i18n catalogue holds every feature's texts before a request
    app.state.login_limiter = LoginLimiter.from_settings(context.settings)  # shared by processes
    # Middleware added last runs first: the session is loaded before the CSRF check reads it.
    app.add_middleware(TextGuardMiddleware)  # innermost: its 422 pages render with the session
    app.add_middleware(CSRFMiddleware, refuse=_refuse_csrf)
    app.add_middleware(SecurityHeadersMiddleware, hsts=context.settings.env == "prod")
    app.add_middleware(
        SessionMiddleware,
        secret_key=context.settings.secret_key,
        session_cookie="ib_session",
        same_site="lax",
        https_only=context.settings.env == "prod",
        max_age=14 * 24 * 3600,
    )
    problems.install(app)
    for api_router in features.load_all("api"):
        app.include_router(api_router)
    app.include_router(files_api.router)
    indexing.install(context)
    app.include_router(notifications_api)
    features.load_all("jobs")  # producers and workers must know the same jobs
    jobs.install(context)  # committed outbox rows queue their delivery
    app.include_router(pages_router)
    for page_router in features.load_all("pages"):
        app.include_router(page_router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    openapi.install(app)  # problem+json responses documented on every route that can answer them

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def app_from_env() -> FastAPI:
    """`uvicorn --factory innobridge.web.app:app_from_env`: settings from INNOBRIDGE_* variables."""
    return create_app(Context.from_settings(get_settings()))
