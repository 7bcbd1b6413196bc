"""The app factory: JSON API + server-rendered pages over one Context."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from innobridge import __version__
from innobridge.core.context import Context
from innobridge.registry.api import router as registry_api
from innobridge.web import problems


def create_app(context: Context) -> FastAPI:
    app = FastAPI(
        title="InnoBridge 科创桥",
        version=__version__,
        description="科技创新服务平台 API · Science-and-technology innovation services API",
    )
    app.state.context = context
    app.add_middleware(
        SessionMiddleware,
        secret_key=context.settings.secret_key,
        session_cookie="ib_session",
        same_site="lax",
        https_only=context.settings.env == "prod",
        max_age=14 * 24 * 3600,
    )
    problems.install(app)
    app.include_router(registry_api)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app
