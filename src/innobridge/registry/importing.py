"""Import use case: map headers (English or Chinese), validate each row, reject bad rows with reasons,
upsert the valid ones in one transaction. Re-importing the same file changes nothing.

Rows stream in from the file and valid ones are written a chunk at a time (same transaction), so memory
stays flat; the row count and the wall time are capped (`files.Limits`), and passing a cap refuses the
whole file (the caller's unit of work rolls back), as does a file that turns out unreadable half-way.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.config import Settings
from innobridge.core.errors import FieldError
from innobridge.core.i18n import Lang, register, t
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry import rules, service
from innobridge.registry.entities import EntitySpec
from innobridge.registry.files import unneutralise
from innobridge.registry.models import Organisation
from innobridge.registry.tables import FileUnreadable, Limits, Table

register(
    {
        "import.unknown_format": {
            "zh": "不支持的文件格式 {suffix}",
            "en": "unsupported file format {suffix}",
        },
        "import.undecodable": {
            "zh": "无法识别文件编码（是否为二进制文件？请另存为 UTF-8 CSV）",
            "en": "cannot decode the file's text encoding (a binary file? save it as UTF-8 CSV)",
        },
        "import.inconsistent_encoding": {
            "zh": "文件以 UTF-8 字节序标记（BOM）开头，但第 {line} 行起的内容不是 UTF-8（可能是 GBK）："
            "编码前后不一致，请重新另存为 UTF-8",
            "en": "the file starts with a UTF-8 byte-order mark, but its text from line {line} is not "
            "UTF-8 (GBK?): the encoding is inconsistent; save the file again as UTF-8",
        },
        "import.nul_byte": {
            "zh": "第 {line} 行含有 NUL 空字符（0x00）：文件已损坏或不是文本文件",
            "en": "line {line} contains a NUL byte (0x00): the file is damaged or not a text file",
        },
        "import.xlsx_damaged": {
            "zh": "Excel 文件已损坏：工作表数据在第 {row} 行附近中断（{detail}）",
            "en": "the Excel file is damaged: its sheet data breaks off near row {row} ({detail})",
        },
        "import.zip_damaged": {
            "zh": "Excel 文件不完整或已损坏（复制或上传时被截断？）",
            "en": "the Excel file is incomplete or damaged (cut off while copying or uploading?)",
        },
        "import.not_xlsx": {
            "zh": "不是 .xlsx 工作簿（旧版 .xls 请在 Excel 中另存为 .xlsx）",
            "en": "not an .xlsx workbook (save an old .xls file as .xlsx in Excel)",
        },
        "import.not_a_workbook": {
            "zh": "该压缩包不是 Excel 工作簿（缺少工作簿部件）",
            "en": "the zip archive is not an Excel workbook (no workbook part)",
        },
        "import.too_expanded_declared": {
            "zh": "工作簿解压后为 {size}，超过上限 {limit}（INNOBRIDGE_IMPORT_MAX_EXPANDED_BYTES）",
            "en": "the workbook unpacks to {size}, more than the limit of {limit} "
            "(INNOBRIDGE_IMPORT_MAX_EXPANDED_BYTES)",
        },
        "import.too_expanded": {
            "zh": "工作簿解压后超过上限 {limit}，已停止读取（INNOBRIDGE_IMPORT_MAX_EXPANDED_BYTES）",
            "en": "the workbook unpacks to more than the limit of {limit}; reading stopped "
            "(INNOBRIDGE_IMPORT_MAX_EXPANDED_BYTES)",
        },
        "import.too_deep": {
            "zh": "JSON 嵌套层数过深：每行应为一个扁平对象",
            "en": "the JSON is nested too deeply: each row must be one flat object",
        },
        "import.too_many_rows": {
            "zh": "文件超过 {limit} 行，未导入任何记录；请拆分文件（INNOBRIDGE_IMPORT_MAX_ROWS）",
            "en": "the file has more than {limit} rows; nothing was imported — split the file "
            "(INNOBRIDGE_IMPORT_MAX_ROWS)",
        },
        "import.too_slow": {
            "zh": "导入超过 {seconds} 秒时限（已读 {rows} 行），未导入任何记录；请拆分文件"
            "（INNOBRIDGE_IMPORT_MAX_SECONDS）",
            "en": "the import took longer than {seconds} s (after {rows} rows); nothing was imported — "
            "split the file (INNOBRIDGE_IMPORT_MAX_SECONDS)",
        },
        "import.too_large": {
            "zh": "文件超过 {limit} 字节上限",
            "en": "the file is larger than the limit of {limit} bytes",
        },
        "ui.data.limits": {
            "zh": "每个文件最多 {rows} 行、{mb} MB；文件有问题时整个文件不导入，并说明原因。",
            "en": "At most {rows} rows and {mb} MB per file; a file with a problem is refused whole, "
            "with the reason.",
        },
        "import.nul_in_cell": {
            "zh": "含有 NUL 空字符（\\u0000）",
            "en": "contains a NUL character (\\u0000)",
        },
        "import.cannot_open": {"zh": "无法打开文件：{detail}", "en": "cannot open the file: {detail}"},
        "import.empty": {"zh": "文件为空", "en": "the file is empty"},
        "import.no_header": {"zh": "缺少表头行", "en": "the file has no header row"},
        "import.bad_xlsx": {
            "zh": "无法读取 Excel 文件：{detail}",
            "en": "cannot read the Excel file: {detail}",
        },
        "import.bad_json": {"zh": "JSON 格式错误：{detail}", "en": "malformed JSON: {detail}"},
        "import.bad_row": {"zh": "该行无法解析：{detail}", "en": "the row cannot be parsed: {detail}"},
        "import.unknown_column": {"zh": "未知列“{column}”已忽略", "en": "unknown column '{column}' ignored"},
        "import.no_known_columns": {
            "zh": "没有可识别的列（请用 innobridge schema 查看字段）",
            "en": "no known columns (see `innobridge schema`)",
        },
        "pydantic.missing": {"zh": "必填", "en": "required"},
        "pydantic.enum": {"zh": "取值不在允许范围：{detail}", "en": "not an allowed value: {detail}"},
        "pydantic.string_too_long": {"zh": "内容过长：{detail}", "en": "too long: {detail}"},
        "pydantic.string_too_short": {"zh": "不能为空", "en": "must not be empty"},
        "pydantic.string_pattern_mismatch": {"zh": "格式不正确：{detail}", "en": "wrong format: {detail}"},
        "pydantic.int_parsing": {"zh": "应为整数", "en": "must be a whole number"},
        "pydantic.int_from_float": {"zh": "应为整数", "en": "must be a whole number"},
        "pydantic.decimal_parsing": {"zh": "应为数字", "en": "must be a number"},
        "pydantic.greater_than_equal": {"zh": "数值过小：{detail}", "en": "too small: {detail}"},
        "pydantic.less_than_equal": {"zh": "数值过大：{detail}", "en": "too large: {detail}"},
        "pydantic.date_from_datetime_parsing": {
            "zh": "日期格式应为 YYYY-MM-DD",
            "en": "dates are YYYY-MM-DD",
        },
        "pydantic.date_parsing": {"zh": "日期格式应为 YYYY-MM-DD", "en": "dates are YYYY-MM-DD"},
        "pydantic.bool_parsing": {"zh": "应为 是/否 或 true/false", "en": "must be yes/no or true/false"},
        "pydantic.value_error": {"zh": "取值有误：{detail}", "en": "invalid value: {detail}"},
        "pydantic.extra_forbidden": {"zh": "不允许的字段", "en": "field not allowed"},
        "pydantic.model_type": {"zh": "应为对象", "en": "must be an object"},
    }
)

# Extra header spellings for the reference columns (files name organisations, not database ids).
_REF_ALIASES = {
    "organisation": "organisation_id",
    "organization": "organisation_id",
    "org": "organisation_id",
    "机构": "organisation_id",
    "parent": "parent_id",
}


def _norm_header(h: str) -> str:
    return unicodedata.normalize("NFKC", h).strip().lower().replace(" ", "_")


def header_aliases(spec: EntitySpec) -> dict[str, str]:
    """Every accepted header spelling → field name: the field, its Chinese title, a few reference names."""
    out: dict[str, str] = {}
    for name, f in spec.schema_in.model_fields.items():
        out[_norm_header(name)] = name
        if f.title:
            out[_norm_header(f.title)] = name
    for alias, target in _REF_ALIASES.items():
        if target in spec.schema_in.model_fields:
            out[_norm_header(alias)] = target
    return out


def message(code: str, params: dict[str, Any], lang: Lang) -> str:
    text = t(code, lang, **params)
    return text if text != code else t("field.invalid", lang, detail=params.get("detail", code))


@dataclass
class RowError:
    row: int
    field: str
    code: str
    message_zh: str
    message_en: str
    value: str = ""


@dataclass
class ImportReport:
    entity: str
    rows: int = 0
    valid: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)

    def add(self, err: FieldError, value: Any = "") -> None:
        self.errors.append(
            RowError(
                err.row or 0,
                err.field,
                err.code,
                message(err.code, err.params, "zh"),
                message(err.code, err.params, "en"),
                str(value)[:100],
            )
        )
        self.rejected_rows.add(err.row or 0)

    def summary(self) -> dict[str, Any]:
        return {
            k: getattr(self, k)
            for k in ("entity", "rows", "valid", "rejected", "created", "updated", "unchanged", "dry_run")
        }


class OrgResolver:
    """Resolve an organisation written in a file (natural key, credit code, id or exact name) to its id."""

    def __init__(self, session: Session) -> None:
        self._by: dict[str, int] = {}
        names: dict[str, list[int]] = {}
        rows = session.execute(
            select(
                Organisation.id,
                Organisation.key,
                Organisation.credit_code,
                Organisation.name_zh,
                Organisation.name_en,
            ).where(Organisation.merged_into_id.is_(None))
        )
        for oid, key, ucc, name_zh, name_en in rows:
            self._by[key] = oid
            self._by[f"#{oid}"] = oid
            if ucc:
                self._by[ucc] = oid
            for n in (name_zh, name_en):
                if n:
                    names.setdefault(rules.normalise_name(n), []).append(oid)
        for n, ids in names.items():
            if len(ids) == 1:  # an ambiguous name resolves to nothing rather than to the wrong record
                self._by.setdefault(f"name={n}", ids[0])

    def resolve(self, value: Any) -> int | None:
        if isinstance(value, int):
            return value if f"#{value}" in self._by else None
        text = str(value).strip()
        if text.isdigit() and f"#{text}" in self._by:
            return int(text)
        return self._by.get(text) or self._by.get(f"name={rules.normalise_name(text)}")


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_rows=settings.import_max_rows,
        max_expanded_bytes=settings.import_max_expanded_bytes,
        max_seconds=settings.import_max_seconds,
    )


WRITE_CHUNK = 1000  # valid rows held before they are written (in the same transaction)


class _Columns:
    """File header → field, resolved once per header; keys first seen in later JSON objects too."""

    def __init__(self, spec: EntitySpec, report: ImportReport) -> None:
        self._aliases = header_aliases(spec)
        self._report = report
        self.by_header: dict[str, str | None] = {}

    def __getitem__(self, header: str) -> str | None:
        try:
            return self.by_header[header]
        except KeyError:
            pass
        target = self._aliases.get(_norm_header(header))
        self.by_header[header] = target
        if target is None and header and not header.startswith("__"):
            self._report.warnings.append(
                message("import.unknown_column", {"column": header[:80]}, "zh")
                + " / "
                + message("import.unknown_column", {"column": header[:80]}, "en")
            )
        return target


def import_table(
    uow: UnitOfWork,
    *,
    actor: Principal,
    spec: EntitySpec,
    table: Table,
    source: str | None = None,
    dry_run: bool = False,
    max_field_bytes: int = 1_000_000,
    spreadsheet: bool | None = None,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every row and write the valid ones (one transaction: the caller's unit of work).

    `spreadsheet` (default: from the file's kind, CSV or XLSX) undoes the export's formula guard, a
    leading apostrophe; JSON keeps its text as written. Passing `limits` raises `FileUnreadable`.
    """
    limits = limits or Limits()
    deadline = time.monotonic() + limits.max_seconds
    if spreadsheet is None:
        spreadsheet = table.spreadsheet
    report = ImportReport(entity=spec.name, dry_run=dry_run)
    columns = _Columns(spec, report)
    if not any([columns[h] for h in table.headers]):  # a list: every header is looked at (warnings)
        raise FileUnreadable("import.no_known_columns")
    resolver = OrgResolver(uow.session) if spec.org_refs else None
    valid: list[BaseModel] = []
    first_row_of_key: dict[str, int] = {}

    def write() -> None:
        result = service.upsert_many(uow, actor=actor, spec=spec, rows=valid, source=source, dry_run=dry_run)
        report.created += result.created
        report.updated += result.updated
        report.unchanged += result.unchanged
        report.valid += len(valid)
        valid.clear()

    for n, (row_no, raw) in enumerate(table.rows, start=1):
        report.rows += 1
        if report.rows > limits.max_rows:
            raise FileUnreadable("import.too_many_rows", limit=limits.max_rows)
        if time.monotonic() > deadline:
            raise FileUnreadable("import.too_slow", seconds=limits.max_seconds, rows=report.rows - 1)
        if progress and n % 1000 == 0:
            progress(n)
        if "__error__" in raw:
            report.add(FieldError("__row__", "import.bad_row", {"detail": raw["__error__"]}, row_no))
            continue
        cells: dict[str, Any] = {}
        row_errors: list[FieldError] = []
        for h, v in raw.items():
            target = columns[h]
            if target is None or v is None or (isinstance(v, str) and not v.strip()):
                continue
            if isinstance(v, str):
                if len(v) * 4 > max_field_bytes and len(v.encode()) > max_field_bytes:
                    row_errors.append(
                        FieldError(target, "field.too_long", {"limit": max_field_bytes}, row_no)
                    )
                    continue
                if "\x00" in v:  # e.g. a JSON "\u0000" escape; PostgreSQL cannot store it
                    row_errors.append(FieldError(target, "import.nul_in_cell", {}, row_no))
                    continue
                if spreadsheet:
                    v = unneutralise(v)
            if target in spec.org_refs and resolver is not None:
                ref = resolver.resolve(v)
                if ref is None:
                    row_errors.append(
                        FieldError(target, "field.unknown_reference", {"value": str(v)[:80]}, row_no)
                    )
                    continue
                v = ref
            cells[target] = v
        if not row_errors:
            try:
                data = spec.schema_in.model_validate(cells)
            except ValidationError as exc:
                row_errors = service.validation_errors(exc, row_no)
        if row_errors:
            for e in row_errors:
                report.add(e, cells.get(e.field, raw.get(e.field, "")))
            continue
        key = spec.natural_key(data.model_dump())
        if key in first_row_of_key:
            report.add(
                FieldError("key", "field.duplicate_in_file", {"first_row": first_row_of_key[key]}, row_no),
                key,
            )
            continue
        first_row_of_key[key] = row_no
        valid.append(data)
        if len(valid) >= WRITE_CHUNK:
            write()
    write()
    report.rejected = len(report.rejected_rows)
    if progress:
        progress(report.rows)
    return report


REPORT_HEADERS = ("row", "field", "code", "message_zh", "message_en", "value")


def report_rows(report: ImportReport) -> list[tuple[Any, ...]]:
    return [
        (e.row, e.field, e.code, e.message_zh, e.message_en, e.value)
        for e in sorted(report.errors, key=lambda e: e.row)
    ]
