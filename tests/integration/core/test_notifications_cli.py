"""`innobridge mail test ADDRESS`: through the outbox to a real SMTP server; exit 0 when delivered,
1 with the server's answer (or the reason) when not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.smtp_server import SmtpServer, free_port
from typer.testing import CliRunner

from innobridge.cli import app
from innobridge.core.config import get_settings


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("INNOBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INNOBRIDGE_ENCODER", "none")
    monkeypatch.delenv("INNOBRIDGE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INNOBRIDGE_JOBS_URL", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_mail_test_delivers_and_exits_0(
    cli: CliRunner,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INNOBRIDGE_SMTP_URL", smtp_server.url)
    r = cli.invoke(app, ["mail", "test", "ops@example.org"])
    assert r.exit_code == 0, r.output
    assert "delivered to ops@example.org" in r.output
    (msg,) = smtp_server.mailbox.wait_for(1)
    assert msg["To"] == "ops@example.org" and "test message" in msg["Subject"]


def test_mail_test_reports_the_servers_answer_and_exits_1(
    cli: CliRunner,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INNOBRIDGE_SMTP_URL", smtp_server.url)
    smtp_server.mailbox.fail_next = 1
    r = cli.invoke(app, ["mail", "test", "ops@example.org"])
    assert r.exit_code == 1
    assert "451 4.3.0 Mailbox busy" in r.output
    assert smtp_server.mailbox.messages == []


def test_mail_test_without_a_server_or_smtp_url_exits_1(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNOBRIDGE_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    r = cli.invoke(app, ["mail", "test", "ops@example.org"])
    assert r.exit_code == 1 and "Connection" in r.output
    monkeypatch.setenv("INNOBRIDGE_SMTP_URL", "")
    get_settings.cache_clear()
    r = cli.invoke(app, ["mail", "test", "ops@example.org"])
    assert r.exit_code == 1 and "e-mail is off" in r.output
    assert cli.invoke(app, ["mail", "test", "not-an-address"]).exit_code == 2
