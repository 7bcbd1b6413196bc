"""Transfer's messages (zh/en): errors, states, actions, types, notifications and page texts."""

from __future__ import annotations

from innobridge.core.i18n import register
from innobridge.transfer import rules

register(
    {
        "transfer.error.negative_amount": {"zh": "金额不能为负数", "en": "The amount must not be negative"},
        "transfer.error.equipment_above_total": {
            "zh": "购置设备、材料等费用不能高于合同成交额",
            "en": "The equipment and materials part must not exceed the total amount",
        },
        "transfer.error.validity_order": {
            "zh": "有效期截止日不能早于起始日",
            "en": "The validity period must not end before it starts",
        },
        "transfer.error.party_name_required": {
            "zh": "请选择登记机构，或填写当事人名称",
            "en": "Choose a registered organisation or give the party's name",
        },
        "transfer.error.credit_code": {
            "zh": "统一社会信用代码“{value}”无效（18 位，末位为校验码）",
            "en": "Unified social credit code '{value}' is not valid "
            "(18 characters, the last a check character)",
        },
        "transfer.error.credit_code_required": {
            "zh": "境内当事人须填写统一社会信用代码",
            "en": "A party in China needs its unified social credit code",
        },
        "transfer.error.region_required": {
            "zh": "境内当事人须填写行政区划代码",
            "en": "A party in China needs its region code",
        },
        "transfer.error.not_a_party": {
            "zh": "买方或卖方须为您所在的机构",
            "en": "The buyer or the seller must be your organisation",
        },
        "transfer.error.not_editable": {
            "zh": "合同为“{state}”状态，不能修改",
            "en": "The contract is {state_en}; it can no longer be edited",
        },
        "transfer.error.number_required": {"zh": "请填写登记编号", "en": "Give the registration number"},
        "transfer.error.number_format": {
            "zh": "登记编号“{value}”格式不正确，应为 16 位数字",
            "en": "Registration number '{value}' is malformed: it has 16 digits",
        },
        "transfer.error.number_taken": {
            "zh": "登记编号 {number} 已被另一份合同使用",
            "en": "Registration number {number} is already taken by another contract",
        },
        "transfer.error.seller_region_missing": {
            "zh": "卖方缺少行政区划代码，无法确定登记地",
            "en": "The seller has no region code, so the registering region is unknown",
        },
        "transfer.history.create": {"zh": "创建合同", "en": "Created"},
        "transfer.history.update": {"zh": "修改合同", "en": "Edited"},
        "transfer.history.file.upload": {"zh": "上传文件", "en": "Document attached"},
        "transfer.history.file.remove": {"zh": "删除文件", "en": "Document removed"},
    }
)
for _state in rules.STATES:
    register({f"transfer.state.{_state.name}": {"zh": _state.label_zh, "en": _state.label_en}})
for _type, (_zh, _en) in rules.TYPE_LABELS.items():
    register({f"transfer.type.{_type.value}": {"zh": _zh, "en": _en}})
for _action in rules.ACTIONS:
    register({f"transfer.action.{_action.name}": {"zh": _action.label_zh, "en": _action.label_en}})

# Notifications of the registration workflow (core/notifications renders them in each reader's language).
register(
    {
        "notify.contract.created.subject": {
            "zh": "新的技术合同：“{project}”",
            "en": "New technology contract: “{project}”",
        },
        "notify.contract.created.body": {
            "zh": "“{buyer}”与“{seller}”的技术合同“{project}”已录入（草稿）。",
            "en": "The technology contract “{project}” between {buyer} and {seller} was recorded (draft).",
        },
        "notify.contract.created.label": {"zh": "新的技术合同", "en": "New technology contracts"},
    }
)
for _action in rules.ACTIONS:
    register(
        {
            f"notify.contract.{_action.name}.subject": {
                "zh": "技术合同“{project}”：" + _action.label_zh,
                "en": "Technology contract “{project}”: " + _action.label_en,
            },
            f"notify.contract.{_action.name}.body": {
                "zh": "合同状态现为“{state_zh}”。登记编号：{number}。原因：{reason_code_zh}；{reason}",
                "en": "The contract is now {state_en}. Registration number: {number}. "
                "Reason: {reason_code_en}; {reason}",
            },
            f"notify.contract.{_action.name}.label": {
                "zh": "技术合同" + _action.label_zh,
                "en": "Technology contract: " + _action.label_en.lower(),
            },
        }
    )
