"""A small in-process limiter for failed logins (per account and client address, sliding window)."""

from __future__ import annotations

import threading
import time
from collections import deque


class LoginLimiter:
    def __init__(self, limit: int, window_s: float = 15 * 60) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def blocked(self, account: str, ip: str) -> bool:
        key = (account.strip().lower(), ip)
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def failed(self, account: str, ip: str) -> None:
        key = (account.strip().lower(), ip)
        with self._lock:
            self._recent(key, time.monotonic()).append(time.monotonic())
            if len(self._failures) > 100_000:  # bound memory under a spray of accounts
                self._failures.clear()

    def succeeded(self, account: str, ip: str) -> None:
        with self._lock:
            self._failures.pop((account.strip().lower(), ip), None)
