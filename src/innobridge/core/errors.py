"""Domain errors. Each carries an i18n message key; the web layer renders them as problem+json."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass
class FieldError:
    """One problem with one input field (and, for imports, one row)."""

    field: str
    code: str
    params: dict[str, Any] = dc_field(default_factory=dict)
    row: int | None = None


class AppError(Exception):
    status = 400
    code = "error.bad_request"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.code)


class NotFound(AppError):
    status = 404
    code = "error.not_found"


class Unauthorized(AppError):
    status = 401
    code = "error.unauthorized"


class Forbidden(AppError):
    status = 403
    code = "error.forbidden"


class Conflict(AppError):
    status = 409
    code = "error.conflict"


class Invalid(AppError):
    status = 422
    code = "error.invalid"

    def __init__(self, errors: list[FieldError], code: str | None = None, /, **params: Any) -> None:
        super().__init__(code, **params)
        self.errors = errors
