"""Page rendering: one Jinja2 environment, the shell's context (language, user, CSRF token, flash).

Templates: the shell's by bare name (`base.html`, `_macros.html`), each feature's under its name
(`registry/record_list.html` is `registry/templates/record_list.html`), from the manifest."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import BaseLoader, ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from innobridge import features
from innobridge.core.i18n import Lang, t
from innobridge.core.principal import Principal
from innobridge.web import labels as _labels  # noqa: F401 - registers the UI messages
from innobridge.web.csrf import ensure_token
from innobridge.web.lang import request_lang


def template_loader() -> BaseLoader:
    """The shell's templates, then every feature's behind its prefix: a feature's page names its
    templates `"<feature>/<file>"`, so two features can never shadow each other's files."""
    by_feature: dict[str, BaseLoader] = {
        f.name: PackageLoader(f.package, "templates") for f in features.FEATURES if f.has("templates")
    }
    return ChoiceLoader([PackageLoader("innobridge.web", "templates"), PrefixLoader(by_feature)])


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=template_loader(),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["fmt"] = fmt
    env.globals["highlight"] = highlight
    return env


def fmt(value: Any) -> str:
    """A value as a page shows it (lists joined, money without noise)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return "、".join(fmt(v) for v in value) if value else "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def highlight(text: str | None, terms: list[str] | tuple[str, ...]) -> Markup:
    """Escape `text` and wrap each occurrence of the terms in <mark>."""
    if not text:
        return Markup("")
    terms = sorted({x for x in terms if x and x.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    lower = text.lower()
    spans: list[tuple[int, int]] = []
    for term in terms:
        tl, start = term.lower(), 0
        while (i := lower.find(tl, start)) >= 0:
            if not any(a < i + len(tl) and i < b for a, b in spans):
                spans.append((i, i + len(tl)))
            start = i + len(tl)
    spans.sort()
    out, pos = [], 0
    for a, b in spans:
        out.append(escape(text[pos:a]))
        out.append(Markup("<mark>") + escape(text[a:b]) + Markup("</mark>"))
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def flash(request: Request, key: str, **params: Any) -> None:
    """A one-time message shown on the next page (stored as a key; translated when shown)."""
    request.session.setdefault("flash", []).append([key, params])


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def page_url(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = str(v)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    *,
    principal: Principal | None = None,
    status_code: int = 200,
    title: str | None = None,
    **context: Any,
) -> HTMLResponse:
    lang: Lang = request_lang(request)
    has_session = "session" in request.scope
    messages: list[str] = []
    if has_session and request.session.get("flash"):
        messages = [t(k, lang, **p) for k, p in request.session.pop("flash")]
    user = None
    logged_in = has_session and isinstance(request.session.get("user_id"), int)
    if logged_in and (principal is None or not principal.is_anonymous):
        role = principal.role.value if principal is not None else None
        user = {"name": request.session.get("user_name", ""), "role": role}

    def _(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    def label(obj: Any, field: str = "name_zh") -> str:
        """Bilingual content: the English field when showing English and it is filled."""
        data = obj.model_dump() if isinstance(obj, BaseModel) else obj
        if lang == "en":
            en = data.get(field.removesuffix("_zh") + "_en") if field.endswith("_zh") else None
            en = en or data.get(field + "_en")
            if en:
                return str(en)
        return str(data.get(field) or "")

    def ev(value: Any) -> str:
        """An enum value's label."""
        if isinstance(value, enum.Enum):
            return t(f"enum.{type(value).__name__}.{value.value}", lang)
        return fmt(value)

    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            lang=lang,
            _=_,
            label=label,
            ev=ev,
            user=user,
            principal=principal,
            csrf_token=ensure_token(request) if has_session else "",
            messages=messages,
            page_url=lambda **kw: page_url(request, **kw),
            title=title,
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code)
