"""Matching's messages (zh/en): errors, reasons, states, actions and facets."""

from __future__ import annotations

from innobridge.core.i18n import register
from innobridge.matching import rules

register(
    {
        "matching.error.unknown_action": {"zh": "未知的对接操作：{action}", "en": "Unknown action: {action}"},
        "matching.error.illegal_move": {
            "zh": "对接当前为“{state}”状态，不能执行“{action}”",
            "en": "The introduction is {state}; '{action}' is not possible now",
        },
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
        "matching.facet.kind": {"zh": "类型", "en": "Type"},
        "matching.facet.discipline": {"zh": "学科", "en": "Discipline"},
        "matching.facet.region": {"zh": "地区", "en": "Region"},
        "matching.facet.year": {"zh": "年份", "en": "Year"},
    }
)
for _action in rules.ACTIONS.values():
    register({f"matching.action.{_action.name}": {"zh": _action.label_zh, "en": _action.label_en}})
