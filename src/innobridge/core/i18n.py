"""Bilingual message catalogue (Chinese first). Features add their keys with `register`."""

from __future__ import annotations

from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_CATALOGUE: dict[str, dict[str, str]] = {
    "error.bad_request": {"zh": "请求有误", "en": "Bad request"},
    "error.not_found": {"zh": "未找到该记录", "en": "Record not found"},
    "error.unauthorized": {"zh": "请先登录", "en": "Please log in"},
    "error.forbidden": {"zh": "您没有执行此操作的权限", "en": "You are not allowed to do this"},
    "error.conflict": {"zh": "记录冲突", "en": "Conflicting record"},
    "error.invalid": {"zh": "输入有误", "en": "Invalid input"},
    "error.internal": {"zh": "服务器内部错误", "en": "Internal server error"},
    "error.login_failed": {"zh": "邮箱或密码错误", "en": "Wrong e-mail or password"},
    "error.rate_limited": {"zh": "尝试次数过多，请稍后再试", "en": "Too many attempts; try again later"},
    "error.email_taken": {"zh": "该邮箱已注册", "en": "This e-mail is already registered"},
    "error.weak_password": {
        "zh": "密码至少 10 位，且不能是常见密码",
        "en": "Passwords need at least 10 characters and must not be a commonly used one",
    },
    "error.bad_token": {"zh": "API 令牌无效或已撤销", "en": "Invalid or revoked API token"},
    "error.duplicate_key": {
        "zh": "已存在相同标识（{key}）的记录 #{existing_id}",
        "en": "a record with the same identifier ({key}) exists: #{existing_id}",
    },
    "error.unknown_entity": {"zh": "未知的记录类型 {entity}", "en": "unknown record type {entity}"},
    "error.not_member_of_owner": {
        "zh": "只能为本人所属机构创建记录",
        "en": "you can only create records for an organisation you belong to",
    },
    "error.import_needs_officer": {
        "zh": "批量导入需要项目主管或平台管理员权限",
        "en": "bulk imports need a programme officer or platform admin",
    },
    "error.dedup_needs_officer": {
        "zh": "查重与合并需要项目主管或平台管理员权限",
        "en": "finding and merging duplicates needs a programme officer or platform admin",
    },
    "error.already_merged": {"zh": "该记录已被合并", "en": "this record has already been merged"},
    "field.not_editable": {"zh": "该字段不可修改", "en": "this field cannot be changed"},
    "field.required": {"zh": "必填", "en": "required"},
    "field.invalid": {"zh": "格式不正确：{detail}", "en": "invalid value: {detail}"},
    "field.too_long": {"zh": "内容过长（上限 {limit} 字节）", "en": "too long (limit {limit} bytes)"},
    "field.unknown_code": {"zh": "未知代码 {value}", "en": "unknown code {value}"},
    "field.duplicate_in_file": {
        "zh": "与第 {first_row} 行的主键重复",
        "en": "duplicates the key of row {first_row}",
    },
    "field.unknown_reference": {
        "zh": "找不到引用的记录 {value}",
        "en": "referenced record {value} not found",
    },
}


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add a feature's messages; a key may be defined once."""
    for key, texts in messages.items():
        if key in _CATALOGUE and _CATALOGUE[key] != texts:
            raise ValueError(f"message key defined twice: {key}")
        if set(texts) != set(LANGS):
            raise ValueError(f"message {key} must have zh and en texts")
        _CATALOGUE[key] = texts


def t(key: str, lang: Lang = "zh", /, **params: Any) -> str:
    """Translate `key`; an unknown key is shown as itself so nothing is silently lost."""
    texts = _CATALOGUE.get(key)
    if texts is None:
        return key
    try:
        return texts[lang].format(**params)
    except (KeyError, IndexError):
        return texts[lang]


def both(key: str, /, **params: Any) -> str:
    """'中文 / English' for reports read by people of either language."""
    return f"{t(key, 'zh', **params)} / {t(key, 'en', **params)}"


def all_keys() -> list[str]:
    return sorted(_CATALOGUE)
