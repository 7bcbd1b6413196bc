"""Notifications: an in-app inbox and e-mail through an outbox, in each recipient's language.

    notify(uow, user_ids=[...], event="introduction.created", params={...}, link="/introductions/7",
           entity="introduction", entity_id=7)

writes, in the caller's transaction, one inbox row per recipient and an outbox row for those who want
e-mail for the event; after the commit the `notifications.deliver` job sends it (see delivery.py).
The event's texts are the i18n keys `notify.<event>.subject` and `notify.<event>.body` (str.format
parameters), registered by the feature that emits it; `register_event` puts it on the preferences form.
"""

from innobridge.core.documents import FeatureIndex
from innobridge.core.notifications import jobs as _jobs  # noqa: F401 - registers deliver + sweep
from innobridge.core.notifications.preferences import (
    email_wanted,
    get_preferences,
    known_events,
    register_event,
    set_preferences,
)
from innobridge.core.notifications.service import (
    OUTBOX_ENTITY,
    list_inbox,
    mark_all_read,
    mark_read,
    notify,
    queue_email,
    unread_count,
)

# Outbox rows are announced after commit (uow.changed) for the job queue; the search index ignores them.
SEARCH_INDEX = FeatureIndex(unindexed={OUTBOX_ENTITY: "e-mail outbox rows: the job queue delivers them"})

__all__ = [
    "OUTBOX_ENTITY",
    "SEARCH_INDEX",
    "email_wanted",
    "get_preferences",
    "known_events",
    "list_inbox",
    "mark_all_read",
    "mark_read",
    "notify",
    "queue_email",
    "register_event",
    "set_preferences",
    "unread_count",
]
