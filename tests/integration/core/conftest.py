"""Fixtures of the core integration tests: a real local SMTP server (tests/smtp_server.py)."""

from tests.smtp_server import smtp_server

__all__ = ["smtp_server"]
