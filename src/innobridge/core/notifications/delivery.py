"""E-mail delivery from the outbox: claim a row (a lease), send over SMTP, mark it sent — or schedule a
retry with exponential backoff, or give up and mark it failed.

Never sent twice: a row is claimed in its own committed transaction before the SMTP conversation and
only one worker can win the claim. The one window left: the server accepted the message and the worker
died before it committed "sent"; when the lease expires the row is sent again, with the same Message-ID
so that receiving systems can drop the copy. The lease must outlast an SMTP conversation (it is
INNOBRIDGE_MAIL_LEASE_SECONDS, ten times INNOBRIDGE_SMTP_TIMEOUT by default).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import BaseModel
from sqlalchemy import and_, or_, select, update

from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.i18n import Lang, t
from innobridge.core.notifications.models import OutboxMessage, OutboxStatus

MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://…?starttls=1: upgrade after EHLO


def parse_smtp_url(url: str) -> SmtpTarget | None:
    """`smtp://[user:pass@]host[:port][?starttls=1]` or `smtps://…`; None when e-mail is off (empty)."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("INNOBRIDGE_SMTP_URL must look like smtp://host:port or smtps://host:port")
    tls = parts.scheme == "smtps"
    flags = parse_qs(parts.query)
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
        starttls=flags.get("starttls", ["0"])[0] in ("1", "true", "yes"),
    )


class DeliveryResult(BaseModel):
    outbox_id: int
    status: Literal["sent", "retry", "failed", "not_due", "gone"]
    detail: str | None = None  # the SMTP server's answer or the error
    next_attempt_at: datetime | None = None


class _Refused(Exception):
    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _claimable(now: datetime) -> object:
    return or_(
        and_(OutboxMessage.status == OutboxStatus.pending, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.sending, OutboxMessage.lease_until <= now),
    )


def _claim(ctx: Context, outbox_id: int, now: datetime) -> bool:
    """Take the row for one attempt, in its own committed transaction; False when another has it, it
    is not due yet, or it is finished."""
    lease = now + timedelta(seconds=ctx.settings.mail_lease_seconds)
    with ctx.uow() as uow:
        result = uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, _claimable(now))  # type: ignore[arg-type]
            .values(
                status=OutboxStatus.sending,
                lease_until=lease,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def _message_id(settings: Settings, token: str) -> str:
    host = urlsplit(settings.public_url).hostname or "innobridge.local"
    return f"<ib.{token}@{host}>"


def compose(settings: Settings, row: OutboxMessage) -> EmailMessage:
    lang: Lang = "en" if row.language == "en" else "zh"
    base = settings.public_url.rstrip("/")
    lines = [row.body]
    if row.link:
        lines += ["", t("notify.mail.open_link", lang, url=base + row.link)]
    if row.user_id is not None:
        lines += ["", "--", t("notify.mail.footer", lang, url=base + "/inbox")]
    msg = EmailMessage()
    name, address = parseaddr(settings.mail_from)
    msg["From"] = formataddr((name, address)) if address else settings.mail_from
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = _message_id(settings, row.message_id)
    msg["Content-Language"] = "en" if lang == "en" else "zh-CN"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content("\n".join(lines))
    return msg


def _answer(code: int, text: bytes | str) -> str:
    body = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {body}".strip()


def send(settings: Settings, target: SmtpTarget, msg: EmailMessage) -> None:
    """One SMTP conversation; raises _Refused with the server's answer when the message was not taken."""
    try:
        smtp: smtplib.SMTP
        if target.tls:
            smtp = smtplib.SMTP_SSL(
                target.host, target.port, timeout=settings.smtp_timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=settings.smtp_timeout)
        with smtp:
            if target.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if target.username:
                smtp.login(target.username, target.password or "")
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        raise _Refused(_answer(code, text), permanent=500 <= code < 600) from exc
    except smtplib.SMTPResponseException as exc:
        raise _Refused(_answer(exc.smtp_code, exc.smtp_error), permanent=500 <= exc.smtp_code < 600) from exc
    except (smtplib.SMTPException, OSError) as exc:  # refused connection, timeout, dropped line: try again
        raise _Refused(f"{type(exc).__name__}: {exc}", permanent=False) from exc


def backoff(settings: Settings, attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: retry_seconds, doubled each time, at most six hours."""
    seconds = settings.mail_retry_seconds * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def deliver_one(ctx: Context, outbox_id: int, *, now: datetime | None = None) -> DeliveryResult:
    """One attempt at one outbox row (a no-op unless it is due and unclaimed)."""
    settings = ctx.settings
    now = now or _now()
    target = parse_smtp_url(settings.smtp_url)
    if target is None:
        return DeliveryResult(outbox_id=outbox_id, status="not_due", detail="e-mail is off (no SMTP URL)")
    if not _claim(ctx, outbox_id, now):
        with ctx.session() as s:
            row = s.get(OutboxMessage, outbox_id)
            if row is None:
                return DeliveryResult(outbox_id=outbox_id, status="gone")
            if row.status in (OutboxStatus.sent, OutboxStatus.failed):
                return DeliveryResult(outbox_id=outbox_id, status=row.status.value, detail=row.last_error)
            return DeliveryResult(outbox_id=outbox_id, status="not_due", next_attempt_at=row.next_attempt_at)
    with ctx.session() as s:
        row = s.get(OutboxMessage, outbox_id)
        if row is None:  # deleted between the claim and this read
            return DeliveryResult(outbox_id=outbox_id, status="gone")
        attempts, limit = row.attempts, row.max_attempts or settings.mail_max_attempts
        try:
            msg = compose(settings, row)
        except ValueError as exc:  # e.g. an address or header the e-mail package refuses: never sendable
            return _failed(
                ctx, outbox_id, _Refused(f"unsendable: {exc}", permanent=True), attempts=attempts, limit=limit
            )
    try:
        send(settings, target, msg)
    except _Refused as refused:
        return _failed(ctx, outbox_id, refused, attempts=attempts, limit=limit)
    with ctx.uow() as uow:
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(status=OutboxStatus.sent, sent_at=_now(), lease_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )
    return DeliveryResult(outbox_id=outbox_id, status="sent")


def _failed(ctx: Context, outbox_id: int, refused: _Refused, *, attempts: int, limit: int) -> DeliveryResult:
    give_up = refused.permanent or attempts >= limit
    next_at = None if give_up else _now() + backoff(ctx.settings, attempts)
    with ctx.uow() as uow:
        values: dict[str, object] = {"last_error": refused.detail[:2000], "lease_until": None}
        if give_up:
            values["status"] = OutboxStatus.failed
        else:
            values["status"] = OutboxStatus.pending
            values["next_attempt_at"] = next_at
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return DeliveryResult(
        outbox_id=outbox_id,
        status="failed" if give_up else "retry",
        detail=refused.detail,
        next_attempt_at=next_at,
    )


def give_up(ctx: Context, outbox_id: int, detail: str) -> None:
    """Mark an unfinished row failed (e.g. a test message that could not be sent at once)."""
    with ctx.uow() as uow:
        uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, OutboxMessage.status != OutboxStatus.sent)
            .values(status=OutboxStatus.failed, last_error=detail[:2000], lease_until=None)
            .execution_options(synchronize_session=False)
        )


def due(ctx: Context, *, within: timedelta, limit: int = 1000) -> list[tuple[int, datetime]]:
    """Unfinished rows that may be attempted within `within` from now, with the time each may be."""
    now = _now()
    horizon = now + within
    with ctx.session() as s:
        rows = s.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.status,
                OutboxMessage.next_attempt_at,
                OutboxMessage.lease_until,
            )
            .where(_claimable(horizon))  # type: ignore[arg-type]
            .order_by(OutboxMessage.id)
            .limit(limit)
        ).all()
    out = []
    for row_id, status, next_at, lease in rows:
        at = _aware(lease if status == OutboxStatus.sending and lease is not None else next_at)
        out.append((row_id, max(at, now)))
    return out
