"""A real SMTP server for tests (aiosmtpd on a free local port): what it received, and scripted
answers (a temporary failure first, a stall in the middle of a conversation)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """The handler: records accepted messages; `fail_next` answers DATA with 451 that many times;
    `stall_next` holds that many conversations at RCPT until `release` is set."""

    messages: list[EmailMessage] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # every DATA answer given, in order
    fail_next: int = 0
    fail_answer: str = "451 4.3.0 Mailbox busy, try again later"
    stall_next: int = 0
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        with self.lock:
            stall = self.stall_next > 0
            if stall:
                self.stall_next -= 1
        if stall:
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "421 4.3.2 Shutting down"  # the stalled conversation never delivers
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                self.answers.append(self.fail_answer)
                return self.fail_answer
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(msg)  # type: ignore[arg-type]
            self.answers.append("250")
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list[EmailMessage]:
        """Wait until `count` messages arrived (a deadline, not a timed assertion: fails only if never)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")


@dataclass
class SmtpServer:
    url: str
    mailbox: Mailbox


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(url=f"smtp://127.0.0.1:{port}", mailbox=mailbox)
    finally:
        mailbox.release.set()
        controller.stop()
