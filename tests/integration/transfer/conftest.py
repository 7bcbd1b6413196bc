"""Technology-contract test data: two party organisations with a member each, a third organisation's
member, and a valid contract input between them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.integration.matching.factories import member_of, org

from innobridge.core.context import Context
from innobridge.core.principal import Principal
from innobridge.registry.rules import ucc_check_char
from innobridge.transfer.schemas import ContractIn


def ucc(first17: str) -> str:
    """A unified social credit code with its check character."""
    return first17 + ucc_check_char(first17)


@pytest.fixture
def parties(ctx: Context) -> dict[str, Any]:
    buyer = org(
        ctx, "精密制造有限公司", kind="enterprise", credit_code=ucc("91310000MA1FL0001"), region_code="310115"
    )
    seller = org(
        ctx,
        "材料研究院",
        kind="research_institute",
        credit_code=ucc("12310000425000001"),
        region_code="310104",
    )
    other = org(ctx, "无关科技有限公司", kind="enterprise")
    return {
        "buyer": buyer,
        "seller": seller,
        "other": other,
        "buyer_member": member_of(ctx, buyer),
        "seller_member": member_of(ctx, seller),
        "other_member": member_of(ctx, other),
    }


def contract_in(buyer_id: int, seller_id: int, /, **over: Any) -> ContractIn:
    fields: dict[str, Any] = {
        "contract_type": "transfer",
        "project_name": "高温合金涂层技术转让",
        "buyer": {"organisation_id": buyer_id},
        "seller": {"organisation_id": seller_id},
        "signed_on": date(2026, 10, 8),
        "valid_from": date(2026, 10, 8),
        "valid_until": date(2029, 10, 7),
        "total_amount": Decimal("1250000.00"),
        "equipment_amount": Decimal("250000.50"),
    }
    fields.update(over)
    return ContractIn(**fields)


@pytest.fixture
def buyer_member(parties: dict[str, Any]) -> Principal:
    return parties["buyer_member"]  # type: ignore[no-any-return]
