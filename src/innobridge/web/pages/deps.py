"""Small request helpers shared by the page modules (no domain logic)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from starlette.datastructures import FormData


async def form_data(request: Request) -> AsyncIterator[FormData]:
    """The submitted form, parsed in the event loop so routes can stay synchronous; uploaded files
    are closed once the response is done."""
    form = await request.form(max_part_size=1024 * 1024)
    try:
        yield form
    finally:
        await form.close()


def form_str(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: never an absolute or protocol-relative URL (open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
