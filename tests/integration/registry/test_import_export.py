"""Import and export through the use cases: encodings, formats, bad input, idempotency, round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from innobridge.core import migrate
from innobridge.core.audit import AuditEvent
from innobridge.core.config import Settings
from innobridge.core.context import Context
from innobridge.core.db import make_engine
from innobridge.core.principal import SYSTEM
from innobridge.registry import exporting, files, importing, service
from innobridge.registry.entities import SPECS
from innobridge.registry.rules import ucc_check_char

ORG = SPECS["organisation"]
ACH = SPECS["achievement"]
CODE_A = "91310104MA1FL1234"
CODE_A += ucc_check_char(CODE_A)

ORG_CSV_ZH = (
    "机构名称,英文名称,机构类型,统一社会信用代码,行政区划代码,行业代码,高新技术企业\n"
    f"上海浦江智能芯片有限公司,Pujiang AI Chips Co. Ltd.,enterprise,{CODE_A},310104,C39;I65,是\n"
    "上海示例大学,Shanghai Example University,university,,310110,,否\n"
)


def run_import(ctx: Context, spec, data: bytes, kind: str = "csv", **kw) -> importing.ImportReport:  # type: ignore[no-untyped-def]
    table = files.read_bytes(data, kind)
    with ctx.uow() as uow:
        return importing.import_table(
            uow, actor=SYSTEM, spec=spec, table=table, spreadsheet=kind in ("csv", "xlsx"), **kw
        )


def org_names(ctx: Context) -> list[str]:
    with ctx.session() as s:
        items, _ = service.list_records(s, actor=SYSTEM, spec=ORG, query=service.ListQuery(sort="id"))
    return [i.name_zh for i in items]  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_with_chinese_headers(ctx: Context, encoding: str) -> None:
    report = run_import(ctx, ORG, ORG_CSV_ZH.encode(encoding))
    assert (report.rows, report.created, report.rejected) == (2, 2, 0)
    assert org_names(ctx) == ["上海浦江智能芯片有限公司", "上海示例大学"]
    with ctx.session() as s:
        first = service.get_record(s, actor=SYSTEM, spec=ORG, record_id=_id_of(ctx, CODE_A))
    assert first.industry_codes == ["C39", "I65"] and first.high_tech is True  # type: ignore[attr-defined]


def _id_of(ctx: Context, credit_code: str) -> int:
    from innobridge.registry.models import Organisation

    with ctx.session() as s:
        return s.scalar(select(Organisation.id).where(Organisation.credit_code == credit_code))  # type: ignore[return-value]


def test_xlsx_json_and_jsonl(ctx: Context, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["name_zh", "kind", "region_code"])
    ws.append(["表格机构", "incubator", "310115"])
    ws.append([None, None, None])  # blank rows are skipped, not rejected
    path = tmp_path / "orgs.xlsx"
    wb.save(path)
    assert run_import(ctx, ORG, path.read_bytes(), "xlsx").created == 1
    as_json = json.dumps([{"name_zh": "JSON机构", "kind": "hospital"}], ensure_ascii=False).encode()
    assert run_import(ctx, ORG, as_json, "json").created == 1
    jsonl = b'{"name_zh": "JSONL\xe6\x9c\xba\xe6\x9e\x84", "kind": "government"}\n{not json}\n'
    report = run_import(ctx, ORG, jsonl, "jsonl")
    assert (report.created, report.rejected) == (1, 1)
    assert report.errors[0].row == 2 and report.errors[0].code == "import.bad_row"
    assert set(org_names(ctx)) == {"表格机构", "JSON机构", "JSONL机构"}


def test_bad_rows_are_reported_and_good_rows_written(ctx: Context) -> None:
    csv_text = (
        "name_zh,kind,credit_code,region_code\n"
        "好机构,enterprise,,310104\n"
        ",enterprise,,310104\n"  # missing name
        "坏类型,spaceship,,310104\n"  # unknown kind
        "坏代码,enterprise,913100000000000000,310104\n"  # wrong check digit
        "好机构,enterprise,,310104\n"  # same natural key as row 2
        "截断的行,enterp"  # truncated file: the row is cut mid-way
    )
    report = run_import(ctx, ORG, csv_text.encode())
    assert report.created == 1
    by_row = {(e.row, e.field, e.code) for e in report.errors}
    assert (3, "name_zh", "pydantic.missing") in by_row
    assert (4, "kind", "pydantic.enum") in by_row
    assert (5, "credit_code", "pydantic.value_error") in by_row
    assert (6, "key", "field.duplicate_in_file") in by_row
    assert any(e.row == 7 for e in report.errors)
    assert report.rejected == 5
    assert all(e.message_zh and e.message_en and e.message_zh != e.message_en for e in report.errors)
    assert org_names(ctx) == ["好机构"]


def test_malformed_csv_quotes_do_not_crash(ctx: Context) -> None:
    report = run_import(ctx, ORG, b'name_zh,kind\n"unterminated,enterprise\nok,enterprise\n')
    # The open quote swallows the rest of the file into one cell: the row is rejected, nothing is written.
    assert report.created == 0 and report.rejected == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "import.empty"),
        (b"   \n  ", "import.empty"),
        (b"\x00\x01\x02binary\x00garbage", "import.undecodable"),
        (b"foo,bar\n1,2\n", "import.no_known_columns"),
    ],
)
def test_unreadable_files_fail_as_a_whole(ctx: Context, data: bytes, code: str) -> None:
    with pytest.raises(files.FileUnreadable) as info:
        run_import(ctx, ORG, data)
    assert info.value.code == code


def test_ten_megabyte_field_rejects_only_its_row(ctx: Context) -> None:
    big = "长" * (10 * 1024 * 1024 // 3 + 10)
    data = f"name_zh,kind,description\n大字段,enterprise,{big}\n正常,enterprise,短\n".encode()
    report = run_import(ctx, ORG, data, max_field_bytes=1_000_000)
    assert report.created == 1
    assert [(e.row, e.field, e.code) for e in report.errors] == [(2, "description", "field.too_long")]


def test_reimport_is_idempotent_and_changes_leave_audit_events(ctx: Context) -> None:
    data = ORG_CSV_ZH.encode()
    run_import(ctx, ORG, data)
    again = run_import(ctx, ORG, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = run_import(ctx, ORG, data.replace(b"Shanghai Example University", b"Shanghai Example Univ."))
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    with ctx.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "import_update")).one()
        assert ev.changes["after"] == {"name_en": "Shanghai Example Univ."}  # type: ignore[index]
        assert service.count_records(s, ORG) == 2


def test_references_resolve_by_credit_code_key_or_name(ctx: Context) -> None:
    run_import(ctx, ORG, ORG_CSV_ZH.encode())
    data = (
        "kind,title,organisation,ip_number\n"
        f"patent,一种芯片散热结构,{CODE_A},CN1\n"
        "patent,一种教学装置,上海示例大学,CN2\n"
        "patent,无主专利,不存在的机构,CN3\n"
    ).encode()
    report = run_import(ctx, ACH, data)
    assert report.created == 2
    assert [(e.row, e.field, e.code) for e in report.errors] == [
        (4, "organisation_id", "field.unknown_reference")
    ]


def test_export_neutralises_formulas_and_round_trips_into_an_empty_database(
    ctx: Context, tmp_path: Path
) -> None:
    run_import(ctx, ORG, ORG_CSV_ZH.encode())
    ach = (
        "kind,title,organisation,keywords,trl,asking_price,ipc_codes,abstract\n"
        f"patent,=cmd|' /C calc'!A0,{CODE_A},芯片;散热,5,120.5,H01L23/36,\"x'); DROP TABLE x; --\"\n"
        "software,@SUM(1+1),上海示例大学,,,,,-2+3\n"
    )
    run_import(ctx, ACH, ach.encode())
    exported: dict[str, str] = {}
    for kind in ("csv", "xlsx", "jsonl"):
        for spec in (ORG, ACH):
            path = tmp_path / f"{spec.plural}.{kind}"
            with ctx.session() as s:
                headers, rows = exporting.export_rows(s, actor=SYSTEM, spec=spec, flat=kind != "jsonl")
                files.write_table(path, headers, rows)
            if kind == "csv":
                exported[spec.name] = path.read_text(encoding="utf-8-sig")
    assert "'=cmd|" in exported["achievement"] and "'@SUM" in exported["achievement"]
    assert ",'-2+3" in exported["achievement"]

    for kind in ("csv", "xlsx", "jsonl"):  # each format into its own empty database
        engine = make_engine(f"sqlite:///{tmp_path / f'empty-{kind}.sqlite3'}")
        migrate.upgrade(engine)
        other = Context.from_settings(
            Settings(env="test", data_dir=tmp_path / kind, encoder="none"), engine=engine
        )
        for spec in (ORG, ACH):
            data = (tmp_path / f"{spec.plural}.{kind}").read_bytes()
            report = run_import(other, spec, data, kind)
            assert report.rejected == 0, report.errors
        for spec in (ORG, ACH):
            with ctx.session() as a, other.session() as b:
                rows_a = list(exporting.export_rows(a, actor=SYSTEM, spec=spec)[1])
                rows_b = list(exporting.export_rows(b, actor=SYSTEM, spec=spec)[1])
            assert rows_a == rows_b
        with other.session() as b:
            headers, rows = exporting.export_rows(b, actor=SYSTEM, spec=ACH)
            titles = {r[headers.index("title")] for r in rows}
        assert "=cmd|' /C calc'!A0" in titles  # the stored text is the original, not the neutralised cell
        engine.dispose()
