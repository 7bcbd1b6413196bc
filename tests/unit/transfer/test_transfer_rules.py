"""Pure rules of technology contracts: 技术交易额, amounts refused by field, registration numbers, the
workflow table's shape."""

from __future__ import annotations

from decimal import Decimal

import pytest

from innobridge.transfer import rules
from innobridge.transfer.models import ContractState, ContractType


def test_technology_amount_is_total_minus_equipment() -> None:
    assert rules.technology_amount(Decimal("1250000.00"), Decimal("250000.50")) == Decimal("999999.50")
    assert rules.technology_amount(Decimal("80000"), Decimal("0")) == Decimal("80000.00")
    assert rules.technology_amount(Decimal("5"), Decimal("5")) == Decimal("0.00")


@pytest.mark.parametrize(
    ("total", "equipment", "field", "code"),
    [
        ("-0.01", "0", "total_amount", "transfer.error.negative_amount"),
        ("100", "-1", "equipment_amount", "transfer.error.negative_amount"),
        ("100", "100.01", "equipment_amount", "transfer.error.equipment_above_total"),
    ],
)
def test_bad_amounts_name_the_field(total: str, equipment: str, field: str, code: str) -> None:
    with pytest.raises(rules.AmountError) as err:
        rules.technology_amount(Decimal(total), Decimal(equipment))
    assert (err.value.field, err.value.code) == (field, code)


@pytest.mark.parametrize("number", ["2026310104000123", "0000000000000000"])
def test_registration_number_has_sixteen_digits(number: str) -> None:
    assert rules.is_registration_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "",
        "202631010400012",
        "20263101040001234",
        "2026-31010400012",
        "２０２６３１０１０４０００１２３",
        "2026310104000123\n",
    ],
)
def test_malformed_registration_numbers_are_refused(number: str) -> None:
    assert not rules.is_registration_number(number)


def test_five_types_with_both_labels() -> None:
    assert set(rules.TYPE_LABELS) == set(ContractType)
    assert [zh for zh, _ in rules.TYPE_LABELS.values()] == [
        "技术开发",
        "技术转让",
        "技术许可",
        "技术咨询",
        "技术服务",
    ]
    assert all(en for _, en in rules.TYPE_LABELS.values())


def test_workflow_table() -> None:
    by_name = {a.name: a for a in rules.ACTIONS}
    assert by_name["submit"].sources == {ContractState.draft, ContractState.returned}
    assert by_name["return"].reason and by_name["return"].target == ContractState.returned
    assert {rc.code for rc in by_name["refuse"].reason_codes} >= {
        "parties_unclear",
        "subject_unclear",
        "price_unclear",
        "monopolising",
        "proofs_missing",
    }
    # Registering, returning and refusing are the officers' one permission; submitting the parties'.
    assert {by_name[a].permission for a in ("register", "return", "refuse")} == {"register"}
    assert by_name["submit"].permission == "submit"
