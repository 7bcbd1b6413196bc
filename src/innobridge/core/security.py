"""Password hashing (argon2), password rules (NIST SP 800-63B) and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, field_validator

from innobridge.core.i18n import register, t

_hasher = PasswordHasher()


def use_cheap_hashing_for_tests() -> None:
    """Test suites create hundreds of users: the minimum argon2 cost keeps them fast. Never in production."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_NOT_LETTERS = re.compile(r"[\W\d_]+")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # NIST asks for at least 64; argon2 hashes any length in the same time


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (xato corpus) bundled with zxcvbn, folded to lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # a 1 MB module: loaded on first use

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def _letters(s: str) -> str:
    return _NOT_LETTERS.sub("", s.lower())


def password_problem(password: str, *, context: Iterable[str] = ()) -> str | None:
    """Why `password` is refused (a message code), or None. NIST SP 800-63B: a minimum length, no
    composition rules, and nothing from a list of commonly used passwords or built from context words
    (the e-mail's local part, the service's name). Case is ignored and so are digits and symbols added
    around a listed word: `Password123` and `Password2026!` are refused like `password`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "error.password_too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "error.password_too_long"
    folded, core = password.lower(), _letters(password)
    common = _common_passwords()
    if folded in common or core in common or len(set(folded)) < 3:
        return "error.password_common"
    words = {_letters(w) for w in context} | {"innobridge", "科创桥"}
    if core and core in words:
        return "error.password_context"
    return None


def password_is_strong(password: str, *, context: Iterable[str] = ()) -> bool:
    return password_problem(password, context=context) is None


def new_api_token() -> tuple[str, str]:
    """Return (token shown once to the user, hash stored)."""
    token = "ib_" + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


register(
    {
        "field.nul": {"zh": "不能包含空字符（NUL）", "en": "must not contain NUL characters"},
        "field.surrogate": {
            "zh": "包含无效的 Unicode 字符（孤立代理项）",
            "en": "contains an invalid Unicode character (a lone surrogate)",
        },
    }
)


def text_problem(value: str) -> str | None:
    """Why a piece of text cannot be stored (a message code), or None. PostgreSQL refuses NUL in text
    and UTF-8 has no lone surrogates (JSON's \\ud800 escapes make them); SQLite would keep both."""
    if "\x00" in value:
        return "field.nul"
    if any("\ud800" <= c <= "\udfff" for c in value):
        return "field.surrogate"
    return None


def _check_text(value: Any) -> Any:
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else ()
    for text in texts:
        if isinstance(text, str) and (code := text_problem(text)):
            raise ValueError(t(code, "en"))
    return value


class StorableText(BaseModel):
    """Base of input schemas: every text field (and list of texts) must be storable (text_problem)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _check_text(value)
