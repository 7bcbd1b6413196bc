"""Matching's messages (zh/en): errors, reasons, states, actions and facets."""

from __future__ import annotations

from innobridge.core.i18n import register
from innobridge.matching import rules

register(
    {
        "matching.error.duplicate_introduction": {
            "zh": "该需求与该对象的对接已存在",
            "en": "This need is already introduced to this candidate",
        },
        "matching.error.no_index": {"zh": "检索索引尚未启用", "en": "The search index is not running"},
        "matching.reason.terms": {
            "zh": "共同关键词：{terms}（{fields}）",
            "en": "Shared terms: {terms} (in {fields})",
        },
        "matching.reason.discipline": {"zh": "同属学科 {codes}", "en": "Same discipline {codes}"},
        "matching.reason.industry": {"zh": "同属行业 {codes}", "en": "Same industry {codes}"},
        "matching.reason.region": {"zh": "同一地区 {codes}", "en": "Same region {codes}"},
        "matching.reason.semantic": {"zh": "语义相似度 {score}", "en": "Semantic similarity {score}"},
        "matching.reason.trl": {"zh": "技术成熟度 TRL {trl}", "en": "Technology readiness TRL {trl}"},
        "matching.field.title": {"zh": "标题", "en": "title"},
        "matching.field.keywords": {"zh": "关键词", "en": "keywords"},
        "matching.field.text": {"zh": "正文", "en": "text"},
        "matching.state.suggested": {"zh": "待联系", "en": "suggested"},
        "matching.state.contacted": {"zh": "已联系", "en": "contacted"},
        "matching.state.negotiating": {"zh": "洽谈中", "en": "negotiating"},
        "matching.state.signed": {"zh": "已签约", "en": "signed"},
        "matching.state.declined": {"zh": "已谢绝", "en": "declined"},
        "matching.state.withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    }
)
for _action in rules.ACTIONS:
    register({f"matching.action.{_action.name}": {"zh": _action.label_zh, "en": _action.label_en}})

# Notifications of the introduction workflow (core/notifications renders them in each reader's language).
register(
    {
        "notify.introduction.created.subject": {
            "zh": "需求“{need}”有 {count} 个新的对接建议",
            "en": "{count} new introduction(s) for the need “{need}”",
        },
        "notify.introduction.created.body": {
            "zh": "为需求“{need}”推荐了：{candidates}。请查看并决定是否联系。",
            "en": "Suggested for “{need}”: {candidates}. Have a look and decide whether to get in touch.",
        },
        "notify.introduction.created.label": {"zh": "新的对接建议", "en": "New introductions"},
    }
)
for _action in rules.ACTIONS:
    register(
        {
            f"notify.introduction.{_action.name}.subject": {
                "zh": "对接“{need} ↔ {candidate}”：" + _action.label_zh,
                "en": "Introduction “{need} ↔ {candidate}”: " + _action.label_en,
            },
            f"notify.introduction.{_action.name}.body": {
                "zh": "对接状态现为“{state_zh}”。原因：{reason_code_zh}；{reason}",
                "en": "The introduction is now {state_en}. Reason: {reason_code_en}; {reason}",
            },
            f"notify.introduction.{_action.name}.label": {
                "zh": "对接" + _action.label_zh,
                "en": "Introduction: " + _action.label_en.lower(),
            },
        }
    )

register(
    {
        "matching.stamp.contacted_at": {"zh": "联系时间", "en": "Contacted on"},
        "matching.stamp.negotiating_at": {"zh": "进入洽谈", "en": "Negotiating since"},
        "matching.stamp.signed_at": {"zh": "签约时间", "en": "Signed on"},
        "matching.stamp.closed_at": {"zh": "关闭时间", "en": "Closed on"},
        "matching.history.create": {"zh": "创建对接", "en": "Introduced"},
        "matching.history.suggest": {"zh": "系统推荐", "en": "Suggested by matching"},
        "ui.intro.reason_code": {"zh": "原因类别", "en": "Reason"},
    }
)
