"""Who may do what with introductions (one declaration; services check it, outputs carry it).

The subject of every rule is an Introduction (its `need_org_id` is the organisation that posted the need,
`candidate_org_id` the one that owns the candidate), except `suggest`, whose subject is the need.
"""

from __future__ import annotations

from typing import Any

from innobridge.core.policy import MANAGER, Policy, Who, member_of
from innobridge.core.principal import Principal

NEED_SIDE = member_of("need_org_id")


def _candidate_party(actor: Principal, intro: Any) -> bool:
    # The candidate's side becomes a party once someone has contacted it (and stays one); an introduction
    # withdrawn before anyone called was only ever a suggestion it never heard of.
    org = getattr(intro, "candidate_org_id", None)
    return (
        not actor.is_anonymous
        and org is not None
        and org in actor.org_ids
        and getattr(intro, "contacted_at", None) is not None
    )


CANDIDATE_SIDE = Who("candidate side once contacted", _candidate_party)

POLICY = Policy(
    "matching",
    {
        "suggest": MANAGER | member_of("owner_org_id"),  # subject: the need
        "read": MANAGER | NEED_SIDE | CANDIDATE_SIDE,
        "broker": MANAGER,  # contact, negotiate, sign, reopen
        "step_back": MANAGER | NEED_SIDE,  # decline, withdraw
        "list_all": MANAGER,  # the managers' work queue holds every introduction
    },
)
