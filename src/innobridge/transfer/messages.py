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

# Page texts.
_UI = {
    "ui.contract.title": ("技术合同", "Technology contracts"),
    "ui.contract.new": ("录入技术合同", "New technology contract"),
    "ui.contract.edit": ("修改合同", "Edit contract"),
    "ui.contract.save": ("保存", "Save"),
    "ui.contract.saved": ("合同已保存。", "Contract saved."),
    "ui.contract.moved": ("合同状态已更新。", "Contract updated."),
    "ui.contract.none": ("暂无技术合同。", "No technology contracts yet."),
    "ui.contract.queue": ("待登记 {count} 份", "{count} waiting for registration"),
    "ui.contract.state": ("状态", "State"),
    "ui.contract.type": ("合同类型", "Contract type"),
    "ui.contract.project": ("项目名称", "Project"),
    "ui.contract.buyer": ("买方（委托方、受让方、被许可方）", "Buyer"),
    "ui.contract.seller": ("卖方（受托方、让与方、许可方）", "Seller"),
    "ui.contract.registered_org": ("平台登记的机构", "Registered organisation"),
    "ui.contract.by_name": ("— 按名称填写 —", "— give name and code below —"),
    "ui.contract.party_name": ("名称", "Name"),
    "ui.contract.credit_code": ("统一社会信用代码", "Unified social credit code"),
    "ui.contract.region_code": ("行政区划代码", "Region code"),
    "ui.contract.region_help": ("GB/T 2260，6 位数字，如 310104", "GB/T 2260, six digits, e.g. 310104"),
    "ui.contract.country_code": ("国家或地区代码", "Country code"),
    "ui.contract.signed_on": ("签订日期", "Signed on"),
    "ui.contract.validity": ("有效期", "Valid"),
    "ui.contract.valid_from": ("有效期起", "Valid from"),
    "ui.contract.valid_until": ("有效期止", "Valid until"),
    "ui.contract.total": ("合同成交额", "Total amount"),
    "ui.contract.equipment": (
        "其中购置设备、仪器、零部件、原材料费用",
        "Of which purchased equipment and materials",
    ),
    "ui.contract.technology": ("技术交易额", "Technology amount"),
    "ui.contract.technology_help": (
        "技术交易额 = 成交额 − 该部分，自动计算",
        "The technology amount is the total minus this part, computed",
    ),
    "ui.contract.yuan": ("元", "yuan"),
    "ui.contract.need": ("关联需求", "Need"),
    "ui.contract.achievement": ("关联成果", "Achievement"),
    "ui.contract.introduction": ("关联对接", "Introduction"),
    "ui.contract.number": ("登记编号", "Registration number"),
    "ui.contract.registered_on": ("登记日期与登记地", "Registered on, in"),
    "ui.contract.actions": ("操作", "Actions"),
    "ui.contract.reason": ("原因说明", "Reason"),
    "ui.contract.reason_code": ("原因类别", "Reason"),
    "ui.contract.history": ("办理记录", "Timeline"),
}
register({key: {"zh": zh, "en": en} for key, (zh, en) in _UI.items()})
