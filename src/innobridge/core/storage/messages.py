"""zh/en messages of stored documents: each refusal names the file and what was refused."""

from __future__ import annotations

from innobridge.core.i18n import register

register(
    {
        "storage.too_large": {
            "zh": "文件「{name}」超过大小上限 {limit}，未予接收",
            "en": "{name} is larger than the {limit} limit and was refused",
        },
        "storage.empty": {
            "zh": "文件「{name}」是空文件，未予接收",
            "en": "{name} is empty and was refused",
        },
        "storage.type_refused": {
            "zh": "文件「{name}」按内容识别为 {detected}，不在允许的类型之内（允许：{allowed}），未予接收",
            "en": "{name} is {detected} by its content, which is not an accepted type "
            "(accepted: {allowed}); refused",
        },
        "storage.raw_body_needed": {
            "zh": "请把文件内容直接作为请求体发送（不接受 multipart 表单）",
            "en": "send the file's bytes as the request body (multipart forms are not accepted)",
        },
        "storage.blob_missing": {
            "zh": "该文件的内容已不在存储中，请联系管理员",
            "en": "this file's content is missing from the store; please tell an administrator",
        },
        "storage.ui.title": {"zh": "附件", "en": "Documents"},
        "storage.ui.none": {"zh": "暂无附件", "en": "No documents yet"},
        "storage.ui.file": {"zh": "文件", "en": "File"},
        "storage.ui.kind": {"zh": "用途", "en": "Purpose"},
        "storage.ui.upload": {"zh": "上传", "en": "Upload"},
        "storage.ui.remove": {"zh": "删除", "en": "Remove"},
        "storage.ui.confirm_remove": {"zh": "确定删除附件「{name}」？", "en": "Remove the document {name}?"},
        "storage.ui.needs_js": {
            "zh": "上传附件需要启用 JavaScript",
            "en": "Uploading documents needs JavaScript",
        },
        "storage.kind.contract": {"zh": "合同", "en": "contract"},
        "storage.kind.evidence": {"zh": "证明材料", "en": "evidence"},
        "storage.kind.application": {"zh": "申请材料", "en": "application"},
        "storage.kind.report": {"zh": "报告", "en": "report"},
        "storage.kind.other": {"zh": "其他", "en": "other"},
    }
)
