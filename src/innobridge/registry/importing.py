"""Import use case: map headers (English or Chinese), validate each row, reject bad rows with reasons,
upsert the valid ones in one transaction. Re-importing the same file changes nothing."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from innobridge.core.errors import FieldError
from innobridge.core.i18n import Lang, register, t
from innobridge.core.principal import Principal
from innobridge.core.unit_of_work import UnitOfWork
from innobridge.registry import rules, service
from innobridge.registry.entities import EntitySpec
from innobridge.registry.files import FileUnreadable, Table, unneutralise
from innobridge.registry.models import Organisation

register(
    {
        "import.unknown_format": {
            "zh": "不支持的文件格式 {suffix}",
            "en": "unsupported file format {suffix}",
        },
        "import.undecodable": {"zh": "无法识别文件编码", "en": "cannot decode the file's text encoding"},
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
        self.rejected_rows.add(err.row)

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


def import_table(
    uow: UnitOfWork,
    *,
    actor: Principal,
    spec: EntitySpec,
    table: Table,
    source: str | None = None,
    dry_run: bool = False,
    max_field_bytes: int = 1_000_000,
    spreadsheet: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate every row and write the valid ones (one transaction: the caller's unit of work)."""
    report = ImportReport(entity=spec.name, dry_run=dry_run)
    aliases = header_aliases(spec)
    columns: dict[str, str] = {}
    for h in table.headers:
        target = aliases.get(_norm_header(h))
        if target is None:
            if h and not h.startswith("__"):
                report.warnings.append(
                    message("import.unknown_column", {"column": h}, "zh")
                    + " / "
                    + message("import.unknown_column", {"column": h}, "en")
                )
        else:
            columns[h] = target
    if not columns:
        raise FileUnreadable("import.no_known_columns")
    resolver = OrgResolver(uow.session) if spec.org_refs else None
    valid: list[BaseModel] = []
    first_row_of_key: dict[str, int] = {}
    for n, (row_no, raw) in enumerate(table.rows, start=1):
        report.rows += 1
        if progress and n % 1000 == 0:
            progress(n)
        if "__error__" in raw:
            report.add(FieldError("__row__", "import.bad_row", {"detail": raw["__error__"]}, row_no))
            continue
        cells: dict[str, Any] = {}
        row_errors: list[FieldError] = []
        for h, v in raw.items():
            target = columns.get(h)
            if target is None or v is None or (isinstance(v, str) and not v.strip()):
                continue
            if isinstance(v, str):
                if len(v) * 4 > max_field_bytes and len(v.encode()) > max_field_bytes:
                    row_errors.append(
                        FieldError(target, "field.too_long", {"limit": max_field_bytes}, row_no)
                    )
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
    report.rejected = len(report.rejected_rows)
    report.valid = len(valid)
    result = service.upsert_many(uow, actor=actor, spec=spec, rows=valid, source=source, dry_run=dry_run)
    report.created, report.updated, report.unchanged = result.created, result.updated, result.unchanged
    if progress:
        progress(report.rows)
    return report


REPORT_HEADERS = ("row", "field", "code", "message_zh", "message_en", "value")


def report_rows(report: ImportReport) -> list[tuple[Any, ...]]:
    return [
        (e.row, e.field, e.code, e.message_zh, e.message_en, e.value)
        for e in sorted(report.errors, key=lambda e: e.row)
    ]
