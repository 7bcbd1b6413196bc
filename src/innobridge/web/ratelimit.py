"""The failed-login limiter, shared by every server process (a moving window per account and address).

Built on `limits` (its moving-window strategy): in production the window lives in Redis
(INNOBRIDGE_RATELIMIT_URL=redis://…); by default in a small SQLite file in the data directory, which
every process on the machine shares (a `limits` storage written here: limits has no SQL store);
`memory://` keeps it in one process (tests, a single worker). With several server processes a limit
kept in process memory would allow N times the attempts, and a client would not know which it met.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from limits import RateLimitItemPerSecond
from limits.storage import MovingWindowSupport, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from innobridge.core.config import Settings

WINDOW_S = 15 * 60


class SQLiteStorage(Storage, MovingWindowSupport):
    """A `limits` storage in a SQLite file: one row per hit, read as a moving window. WAL mode and a
    short busy timeout let several processes share it; each check-and-add is one IMMEDIATE transaction,
    so two processes cannot both take the last attempt."""

    STORAGE_SCHEME = None  # made directly, not from a URI

    def __init__(self, path: Path) -> None:
        super().__init__()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=5, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at)")

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    # moving window (what MovingWindowRateLimiter uses)
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM hits WHERE key = ? AND at <= ?", (key, now - expiry))
                (count,) = self._db.execute("SELECT COUNT(*) FROM hits WHERE key = ?", (key,)).fetchone()
                if count + amount > limit:
                    return False
                self._db.executemany("INSERT INTO hits VALUES (?, ?)", [(key, now)] * amount)
                return True
            finally:
                self._db.execute("COMMIT")

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        with self._lock:
            oldest, count = self._db.execute(
                "SELECT MIN(at), COUNT(*) FROM hits WHERE key = ? AND at > ?", (key, time.time() - expiry)
            ).fetchone()
        return (float(oldest) if oldest is not None else time.time(), int(count))

    # the rest of the Storage interface (fixed windows), for completeness
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        self.acquire_entry(key, 2**31, expiry, amount)
        return self.get(key)

    def get(self, key: str) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM hits WHERE key = ?", (key,)).fetchone()[0])

    def get_expiry(self, key: str) -> float:
        with self._lock:
            (last,) = self._db.execute("SELECT MAX(at) FROM hits WHERE key = ?", (key,)).fetchone()
        return float(last or time.time())

    def check(self) -> bool:
        try:
            with self._lock:
                self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._lock:
            return self._db.execute("DELETE FROM hits").rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM hits WHERE key = ?", (key,))


def make_storage(settings: Settings) -> Storage:
    """The configured store: INNOBRIDGE_RATELIMIT_URL (redis://…, memory://) or the data dir's file."""
    url = settings.ratelimit_url.strip()
    if url:
        storage = storage_from_string(url)
        if not isinstance(storage, Storage):  # an async (limits.aio) scheme
            raise ValueError(f"INNOBRIDGE_RATELIMIT_URL: not a synchronous limits storage: {url!r}")
        return storage
    return SQLiteStorage(settings.data_dir / "ratelimit.sqlite3")


class LoginLimiter:
    """`limit` failed logins per account and client address in a moving 15-minute window."""

    def __init__(self, limit: int, window_s: int = WINDOW_S, *, storage: Storage | None = None) -> None:
        self.limit = limit
        self.item = RateLimitItemPerSecond(limit, window_s, namespace="login")
        self.limiter = MovingWindowRateLimiter(storage or storage_from_string("memory://"))

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimiter:
        return cls(settings.login_rate_limit, storage=make_storage(settings))

    @staticmethod
    def _key(account: str, ip: str) -> tuple[str, str]:
        return account.strip().lower(), ip

    def blocked(self, account: str, ip: str) -> bool:
        return not self.limiter.test(self.item, *self._key(account, ip))

    def failed(self, account: str, ip: str) -> None:
        self.limiter.hit(self.item, *self._key(account, ip))

    def succeeded(self, account: str, ip: str) -> None:
        self.limiter.clear(self.item, *self._key(account, ip))
