"""The login rate limit is one limit for all server processes: failures recorded by another process
count here, through the default SQLite file in the data directory and through Redis."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from innobridge.core.config import Settings
from innobridge.web.ratelimit import LoginLimiter

OTHER_PROCESS = """
import sys
from pathlib import Path
from innobridge.core.config import Settings
from innobridge.web.ratelimit import LoginLimiter
settings = Settings(env="test", data_dir=Path(sys.argv[1]), ratelimit_url=sys.argv[2], login_rate_limit=3)
limiter = LoginLimiter.from_settings(settings)
for _ in range(int(sys.argv[4])):
    limiter.failed(sys.argv[3], "203.0.113.9")
"""


def _fail_elsewhere(data_dir: Path, url: str, account: str, times: int) -> None:
    subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, str(data_dir), url, account, str(times)], check=True, timeout=60
    )


@pytest.mark.parametrize("url", ["", "redis://127.0.0.1:6379/15"])
def test_failures_in_another_process_count_here(tmp_path: Path, url: str) -> None:
    account = f"{uuid.uuid4().hex[:8]}@example.org"
    settings = Settings(env="test", data_dir=tmp_path, ratelimit_url=url, login_rate_limit=3)
    here = LoginLimiter.from_settings(settings)
    _fail_elsewhere(tmp_path, url, account, 2)
    assert not here.blocked(account, "203.0.113.9")
    here.failed(account, "203.0.113.9")  # the third failure, in this process
    assert here.blocked(account, "203.0.113.9")
    assert not here.blocked(account, "198.51.100.1")  # per account and address
    _fail_elsewhere(tmp_path, url, account.upper(), 0)
    here.succeeded(account, "203.0.113.9")
    assert not here.blocked(account, "203.0.113.9")


def test_memory_is_one_process_only(tmp_path: Path) -> None:
    settings = Settings(env="test", data_dir=tmp_path, ratelimit_url="memory://", login_rate_limit=2)
    limiter = LoginLimiter.from_settings(settings)
    limiter.failed("a@example.org", "1")
    limiter.failed("A@example.org ", "1")
    assert limiter.blocked("a@example.org", "1")
