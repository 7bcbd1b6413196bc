"""Who may do what with technology contracts (one declaration; services check it, outputs carry it).

The subject of every rule is a Contract: its parties are the buyer's and the seller's organisations
(`buyer_org_id`, `seller_org_id`); registering is the programme officers' work.
"""

from __future__ import annotations

from innobridge.core.policy import MANAGER, OVERSEER, SIGNED_IN, Policy, member_of

PARTY = member_of("buyer_org_id") | member_of("seller_org_id")

POLICY = Policy(
    "transfer",
    {
        "create": SIGNED_IN,  # the service also requires one party to be the author's organisation
        "read": MANAGER | PARTY,
        "update": PARTY,  # edit a draft or a returned contract
        "submit": PARTY,
        "register": OVERSEER,  # register, return, refuse
        "attach": PARTY | OVERSEER,  # attach and remove documents (core/storage)
        "list_all": MANAGER,  # managers and officers see every contract and the registration queue
    },
)
# Actions an output lists for the acting user besides the workflow's moves.
RECORD_ACTIONS = ("update", "attach")
