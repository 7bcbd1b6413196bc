"""The OpenAPI document says how each route fails: RFC 9457 problem+json bodies for 401, 403, 404, 409 and
422 on the routes that can answer them, decided from what the route depends on (who is asking, a record
named in the path or query, a write), so clients and schemathesis can hold the API to its word."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import Route

from innobridge.core.http import get_principal, require_user

PROBLEM = "application/problem+json"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DESCRIPTIONS = {
    400: "The body cannot be read (not UTF-8 JSON, a broken form)",
    401: "Not logged in, or the API token is invalid or revoked",
    403: "Not allowed for this user",
    404: "No such record (or one this user may not see)",
    409: "Conflicts with the current state: a duplicate, a stale version, a move not allowed now",
    413: "The upload is larger than allowed",
    415: "The upload's type is not accepted",
    422: "Invalid input; `errors` names each field",
}
_SCHEMAS: dict[str, Any] = {
    "ProblemFieldError": {
        "type": "object",
        "required": ["field", "code", "message"],
        "properties": {
            "field": {"type": "string", "description": "Where: query.q, body.title, a column …"},
            "code": {"type": "string", "description": "Message key, e.g. field.nul"},
            "message": {"type": "string", "description": "In the request's language"},
            "row": {"type": ["integer", "null"], "description": "Row of an imported file"},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string", "description": "In the request's language (zh or en)"},
            "status": {"type": "integer"},
            "code": {"type": "string", "description": "Stable message key, e.g. error.not_found"},
            "params": {"type": "object"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemFieldError"}},
        },
    },
}


def every_route(routes: list[Any]) -> Iterator[Route]:
    """Every route with methods, also inside included routers (FastAPI keeps those as route objects)."""
    for route in routes:
        if isinstance(route, Route):
            yield route
        elif hasattr(route, "original_router"):
            yield from every_route(route.original_router.routes)


def _calls(dependant: Dependant) -> set[Any]:
    found: set[Any] = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


def _statuses(route: APIRoute, method: str) -> set[int]:
    calls = _calls(route.dependant)
    asks_who = get_principal in calls or require_user in calls
    statuses = {422}  # any request: the edge refuses unstorable text in any parameter (web/edge.py)
    if route.body_field is not None:
        statuses.add(400)
    if asks_who:
        statuses.add(401)  # a bad Bearer token is refused wherever the caller is read
    if require_user in calls or (asks_who and method in _WRITES):
        statuses.add(403)
    if route.dependant.path_params or method in _WRITES:
        statuses.add(404)  # a record named in the path or the body
    if method in _WRITES and asks_who:
        statuses.add(409)
    return statuses


def _problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS.get(status, "Error"),
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def document_problems(schema: dict[str, Any], routes: list[Any]) -> dict[str, Any]:
    """Add problem+json responses to `schema`'s operations (in place; returned for convenience)."""
    api_routes = [r for r in every_route(routes) if isinstance(r, APIRoute)]
    by_operation = {(r.path_format, m): r for r in api_routes for m in r.methods or ()}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            route = by_operation.get((path, method.upper()))
            if route is None or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(route, method.upper())):
                documented = responses.get(str(status), {})
                # FastAPI's own 422 describes its plain-JSON shape; ours is problem+json (web/problems.py).
                responses[str(status)] = {
                    **_problem_response(status),
                    **{k: v for k, v in documented.items() if k not in ("content", "description")},
                }
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(_SCHEMAS)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                openapi_version=app.openapi_version,
            )
            app.openapi_schema = document_problems(schema, app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
