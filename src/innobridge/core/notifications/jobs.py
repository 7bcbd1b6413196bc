"""The outbox's jobs: deliver a row after its commit, and a sweep that re-queues rows whose job was lost
(a worker killed mid-task, a store that was down when the change committed)."""

from __future__ import annotations

from datetime import timedelta

from innobridge.core import jobs
from innobridge.core.context import Context
from innobridge.core.notifications.delivery import deliver_one, due, parse_smtp_url
from innobridge.core.notifications.service import OUTBOX_ENTITY

DELIVER = "notifications.deliver"
SWEEP = "notifications.sweep"
SWEEP_AHEAD = timedelta(seconds=70)  # a little over the sweep's period: no row falls between two sweeps


@jobs.background(DELIVER)
def deliver(ctx: Context, *, entity_id: int) -> None:
    result = deliver_one(ctx, entity_id)
    if result.status == "retry" and result.next_attempt_at is not None:
        jobs.enqueue(ctx, DELIVER, eta=result.next_attempt_at, entity_id=entity_id)


@jobs.periodic(SWEEP, "minute", at_start=True)
def sweep(ctx: Context) -> int:
    """Queue a delivery for every unfinished row due within the next sweep; how many were queued."""
    if parse_smtp_url(ctx.settings.smtp_url) is None:
        return 0  # e-mail is off: rows wait until an SMTP server is configured
    rows = due(ctx, within=SWEEP_AHEAD)
    for row_id, at in rows:
        if not jobs.enqueue(ctx, DELIVER, eta=at, entity_id=row_id):
            deliver(ctx, entity_id=row_id)  # no queue in this process: deliver in this thread
    return len(rows)


jobs.on_change(OUTBOX_ENTITY, DELIVER)
