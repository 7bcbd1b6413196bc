"""Pure rules of technology contracts: the five types, the registration workflow as data, the computed
技术交易额 and the registration number's format. No database, no web."""

from __future__ import annotations

import re
from decimal import Decimal

from innobridge.core.workflow import Action, ReasonCode, State
from innobridge.transfer.models import ContractState, ContractType

S = ContractState

# The five types of the registration rules (DOMAIN.md "Technology contracts"), zh/en labels.
TYPE_LABELS: dict[ContractType, tuple[str, str]] = {
    ContractType.development: ("技术开发", "Technology development"),
    ContractType.transfer: ("技术转让", "Technology transfer"),
    ContractType.licence: ("技术许可", "Technology licence"),
    ContractType.consultancy: ("技术咨询", "Technology consultancy"),
    ContractType.service: ("技术服务", "Technology service"),
}

# Why a registration office refuses a contract (DOMAIN.md: parties, subject or price unclear,
# monopolising clauses, proofs missing).
REFUSAL_REASONS = (
    ReasonCode("parties_unclear", "当事人不明确", "Parties unclear"),
    ReasonCode("subject_unclear", "标的不明确", "Subject unclear"),
    ReasonCode("price_unclear", "价款、报酬或使用费不明确", "Price unclear"),
    ReasonCode("monopolising", "含有非法垄断技术的条款", "Clauses monopolise technology"),
    ReasonCode("proofs_missing", "证明材料不全", "Proofs missing"),
    ReasonCode("not_technology", "不属于技术合同", "Not a technology contract"),
    ReasonCode("other", "其他", "Other"),
)

STATES = (
    State(S.draft, "草稿", "Draft"),
    State(S.submitted, "待登记", "Submitted"),
    State(S.registered, "已登记", "Registered", final=True),
    State(S.returned, "退回修改", "Returned for correction"),
    State(S.refused, "不予登记", "Refused", final=True),
)
# States in which the parties may still edit the contract.
EDITABLE = frozenset({S.draft, S.returned})

# The registration workflow as data (docs/workflows/contract.md is generated from it). Who may is
# transfer/policy.py; the engine (core/workflow.py) checks both, stamps, audits and notifies.
ACTIONS = (
    Action(
        "submit",
        frozenset({S.draft, S.returned}),
        S.submitted,
        "提交登记",
        "Submit for registration",
        "submit",
        stamp="submitted_at",
        stamp_once=False,
    ),
    Action(
        "register",
        frozenset({S.submitted}),
        S.registered,
        "登记",
        "Register",
        "register",
        stamp="registered_at",
    ),
    Action(
        "return",
        frozenset({S.submitted}),
        S.returned,
        "退回修改",
        "Return for correction",
        "register",
        reason=True,
        stamp="returned_at",
        stamp_once=False,
    ),
    Action(
        "refuse",
        frozenset({S.submitted}),
        S.refused,
        "不予登记",
        "Refuse",
        "register",
        reason_codes=REFUSAL_REASONS,
        stamp="refused_at",
    ),
)

# 16 ASCII digits (the registration offices' numbering; \d would take full-width digits, $ a newline);
# the service also keeps them unique.
REGISTRATION_NUMBER_RE = re.compile(r"[0-9]{16}")
CENT = Decimal("0.01")


def is_registration_number(value: str) -> bool:
    return REGISTRATION_NUMBER_RE.fullmatch(value) is not None


class AmountError(ValueError):
    """An amount breaks a rule; `field` names the input field at fault."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(code)
        self.field = field
        self.code = code


def technology_amount(total: Decimal, equipment: Decimal) -> Decimal:
    """技术交易额 = 成交额 minus purchased equipment, instruments, parts and raw materials (DOMAIN.md).
    Both ≥ 0 and the equipment part at most the total, else AmountError naming the field."""
    if total < 0:
        raise AmountError("total_amount", "transfer.error.negative_amount")
    if equipment < 0:
        raise AmountError("equipment_amount", "transfer.error.negative_amount")
    if equipment > total:
        raise AmountError("equipment_amount", "transfer.error.equipment_above_total")
    return (total - equipment).quantize(CENT)
