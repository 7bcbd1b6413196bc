"""Helpers for page tests: read the CSRF token a page hands out, log in through the form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.conftest import make_user  # noqa: F401 - re-exported for the tests

_TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_from(html: str) -> str:
    tokens = set(_TOKEN.findall(html))
    assert len(tokens) == 1, f"every form on a page carries the same, non-empty token: {tokens}"
    token = tokens.pop()
    assert token
    return token


def csrf(client: TestClient, path: str = "/login") -> str:
    return csrf_from(client.get(path).text)


PASSWORD = "correct-horse-42"  # what tests.conftest.make_user gives every user


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
