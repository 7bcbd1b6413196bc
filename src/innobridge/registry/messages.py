"""The registry's messages (zh/en): its record and data pages, and the labels of its enums."""

from __future__ import annotations

from innobridge.core.i18n import register

_UI: dict[str, tuple[str, str]] = {
    # Records
    "ui.record.edit": ("编辑", "Edit"),
    "ui.record.delete": ("删除", "Delete"),
    "ui.record.delete_confirm": ("确定删除这条记录吗？", "Delete this record?"),
    "ui.record.deleted": ("记录已删除。", "The record was deleted."),
    "ui.record.saved": ("已保存。", "Saved."),
    "ui.record.created": ("已创建。", "Created."),
    "ui.record.save": ("保存", "Save"),
    "ui.record.create": ("创建", "Create"),
    "ui.record.cancel": ("取消", "Cancel"),
    "ui.record.new_title": ("新建{entity}", "New {entity}"),
    "ui.record.edit_title": ("编辑{entity}", "Edit {entity}"),
    "ui.record.related": ("相关记录", "Related records"),
    "ui.record.meta": ("记录信息", "Record information"),
    "ui.record.created_at": ("创建时间", "Created"),
    "ui.record.updated_at": ("更新时间", "Updated"),
    "ui.record.key": ("唯一键", "Key"),
    "ui.record.list_hint": ("多个值用逗号或分号分隔", "Separate several values with commas or semicolons"),
    "ui.record.matches": ("查看匹配", "See matches"),
    "ui.record.organisation": ("所属机构", "Organisation"),
    "ui.record.contact_hidden": ("登录后可见", "Visible after logging in"),
    # Data
    "ui.data.title": ("数据导入与导出", "Data import and export"),
    "ui.data.import": ("导入文件", "Import a file"),
    "ui.data.entity": ("记录类型", "Record type"),
    "ui.data.file": ("文件（CSV、XLSX、JSON）", "File (CSV, XLSX, JSON)"),
    "ui.data.dry_run": ("仅校验，不写入", "Check only, write nothing"),
    "ui.data.submit": ("上传并导入", "Upload and import"),
    "ui.data.result": ("导入结果", "Import result"),
    "ui.data.accepted": ("接受 {n} 行", "{n} rows accepted"),
    "ui.data.rejected": ("拒绝 {n} 行", "{n} rows rejected"),
    "ui.data.accepted_label": ("行已接受", "rows accepted"),
    "ui.data.rejected_label": ("行被拒绝", "rows rejected"),
    "ui.data.created": ("新建 {n}", "{n} created"),
    "ui.data.updated": ("更新 {n}", "{n} updated"),
    "ui.data.unchanged": ("未变 {n}", "{n} unchanged"),
    "ui.data.row": ("行号", "Row"),
    "ui.data.field": ("字段", "Field"),
    "ui.data.value": ("值", "Value"),
    "ui.data.reason": ("原因", "Reason"),
    "ui.data.download_report": ("下载错误报告（CSV）", "Download the row-error report (CSV)"),
    "ui.data.report_gone": ("报告已过期，请重新导入", "The report has expired; import again"),
    "ui.data.export": ("导出", "Export"),
    "ui.data.export_lead": (
        "导出您有权查看的记录（可在列表页按条件筛选后导出）。",
        "Export the records you may see (filter a list page first to export a subset).",
    ),
    "ui.data.columns": ("可用列名", "Accepted column names"),
    "ui.data.unavailable": ("导入服务暂不可用", "Importing is not available right now"),
    "ui.data.no_file": ("请选择文件", "Choose a file"),
    "ui.data.officer_only": (
        "批量导入需要项目主管或平台管理员权限。",
        "Bulk imports need a programme officer or platform admin.",
    ),
}

_ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "OrgKind": {
        "university": ("高校", "University"),
        "research_institute": ("科研院所", "Research institute"),
        "key_lab": ("重点实验室", "Key laboratory"),
        "new_rd_institute": ("新型研发机构", "New R&D institute"),
        "enterprise": ("企业", "Enterprise"),
        "hospital": ("医院", "Hospital"),
        "incubator": ("孵化器", "Incubator"),
        "service_provider": ("服务机构", "Service provider"),
        "government": ("政府部门", "Government"),
        "other": ("其他", "Other"),
    },
    "AchievementKind": {
        "patent": ("专利", "Patent"),
        "paper": ("论文", "Paper"),
        "technology": ("技术", "Technology"),
        "software": ("软件", "Software"),
        "standard": ("标准", "Standard"),
        "new_variety": ("新品种", "New variety"),
        "other": ("其他", "Other"),
    },
    "InstrumentStatus": {
        "in_service": ("在用", "In service"),
        "maintenance": ("维修中", "Under maintenance"),
        "retired": ("已停用", "Retired"),
    },
    "ProjectStatus": {
        "planned": ("计划中", "Planned"),
        "ongoing": ("在研", "Ongoing"),
        "completed": ("已结题", "Completed"),
        "terminated": ("已终止", "Terminated"),
    },
    "NeedStatus": {
        "open": ("征集中", "Open"),
        "matched": ("已匹配", "Matched"),
        "closed": ("已关闭", "Closed"),
    },
}

register({k: {"zh": zh, "en": en} for k, (zh, en) in _UI.items()})
register(
    {
        f"enum.{name}.{value}": {"zh": zh, "en": en}
        for name, values in _ENUMS.items()
        for value, (zh, en) in values.items()
    }
)
