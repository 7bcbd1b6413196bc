"""Hostile and oversized import files: each is refused as a whole with a named bilingual reason (the
command line exits 2), within bounded memory, and nothing of it is written."""

from __future__ import annotations

import contextlib
import io
import json
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.registry import hostile_files as hostile
from typer.testing import CliRunner

from innobridge.cli import app
from innobridge.core.config import get_settings
from innobridge.core.context import Context
from innobridge.core.i18n import t
from innobridge.core.principal import SYSTEM
from innobridge.registry import files, importing, service, workbooks
from innobridge.registry.entities import SPECS

ORG = SPECS["organisation"]


def run_import(
    ctx: Context, data: bytes, kind: str, limits: files.Limits | None = None
) -> importing.ImportReport:
    with files.read_bytes(data, kind, limits) as table, ctx.uow() as uow:
        return importing.import_table(uow, actor=SYSTEM, spec=ORG, table=table, limits=limits)


def count(ctx: Context) -> int:
    with ctx.session() as s:
        return service.count_records(s, ORG)


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
def test_hostile_file_is_refused_with_its_reason(ctx: Context, name: str) -> None:
    build, kind, code = hostile.HOSTILE[name]
    with pytest.raises(files.FileUnreadable) as info:
        run_import(ctx, build(), kind)
    assert info.value.code == code
    zh, en = (t(code, lang, **info.value.params) for lang in ("zh", "en"))
    assert zh != code and en != code and zh != en  # a registered message in both languages
    assert count(ctx) == 0


def test_gbk_behind_a_bom_names_the_encoding_problem_not_every_row() -> None:
    with pytest.raises(files.FileUnreadable) as info:
        files.read_bytes(hostile.gbk_behind_utf8_bom(), "csv")
    assert info.value.params == {"line": 1}
    assert "inconsistent" in t(info.value.code, "en", **info.value.params)


def test_nul_byte_names_its_line_and_a_nul_escape_in_json_rejects_its_row(ctx: Context) -> None:
    with pytest.raises(files.FileUnreadable) as info:
        files.read_bytes(hostile.csv_with_nul(at_line=300), "csv")
    assert info.value.params == {"line": 300}  # of the file, the header being line 1
    data = json.dumps(
        [{"name_zh": "坏\u0000机构", "kind": "enterprise"}, {"name_zh": "好", "kind": "enterprise"}]
    )
    report = run_import(ctx, data.encode(), "json")
    assert report.created == 1
    assert [(e.row, e.field, e.code) for e in report.errors] == [(1, "name_zh", "import.nul_in_cell")]


def test_nested_json_values_reject_their_row_without_recursing(ctx: Context) -> None:
    nested = b"[" * 500 + b"]" * 500  # under the decoder's recursion limit: decoded, then refused as a cell
    data = (
        b'[{"name_zh": "A", "kind": "enterprise", "keywords": '
        + nested
        + b'}, {"name_zh": "B", "kind": "enterprise"}]'
    )
    report = run_import(ctx, data, "json")
    assert report.created == 1 and [e.row for e in report.errors] == [1]
    assert "nested" in report.errors[0].message_en


def test_zip_bomb_is_refused_by_its_declared_size_before_reading() -> None:
    bomb = hostile.zip_bomb(64_000_000)  # about 0.2 MB unpacking to 64 MB
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(files.FileUnreadable) as info:
            files.read_bytes(bomb, "xlsx", files.Limits(max_expanded_bytes=20_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.code == "import.too_expanded_declared"
    assert peak < 8_000_000, peak  # a sanity bound: the archive is never unpacked


def test_zip_bomb_that_lies_about_its_size_stops_at_the_claim() -> None:
    bomb = hostile.zip_bomb(64_000_000, lie=True)  # the directory claims 1 KB
    tracemalloc.start()
    try:
        with pytest.raises(files.FileUnreadable) as info:
            list(files.read_bytes(bomb, "xlsx", files.Limits(max_expanded_bytes=20_000_000)).rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.code in ("import.xlsx_damaged", "import.bad_xlsx")
    assert peak < 8_000_000, peak


def test_bytes_read_from_a_workbook_are_counted_against_the_budget() -> None:
    data = hostile.workbook(hostile.ORG_ROWS * 2000)
    archive = workbooks._open_archive(io.BytesIO(data), files.Limits(max_expanded_bytes=10_000_000))
    sheet_size = archive.getinfo(hostile.SHEET).file_size
    assert archive.read(hostile.SHEET).startswith(b"<worksheet")  # declared sizes within the limit: it reads
    archive.budget.left = sheet_size // 4  # whatever the directory claims, reading stops at the budget
    with pytest.raises(files.FileUnreadable) as info:
        archive.read(hostile.SHEET)
    assert info.value.code == "import.too_expanded"
    archive.close()


def test_too_many_rows_refuse_the_file_and_write_nothing(ctx: Context) -> None:
    rows = "".join(f"机构{i},enterprise,310104\n" for i in range(2501))
    data = ("name_zh,kind,region_code\n" + rows).encode()
    with pytest.raises(files.FileUnreadable) as info:
        run_import(ctx, data, "csv", files.Limits(max_rows=2500))
    assert (info.value.code, info.value.params) == ("import.too_many_rows", {"limit": 2500})
    assert count(ctx) == 0  # two chunks of 1000 had been written: rolled back with the rest
    assert run_import(ctx, data, "csv", files.Limits(max_rows=2501)).created == 2501


def test_an_import_past_its_time_limit_is_refused_and_rolled_back(ctx: Context) -> None:
    data = ("name_zh,kind\n" + "".join(f"机构{i},enterprise\n" for i in range(10))).encode()
    with pytest.raises(files.FileUnreadable) as info:
        run_import(ctx, data, "csv", files.Limits(max_seconds=0.0))
    assert info.value.code == "import.too_slow"
    assert count(ctx) == 0


def test_a_file_that_breaks_after_written_chunks_leaves_nothing(ctx: Context) -> None:
    items = [{"name_zh": f"机构{i}", "kind": "enterprise"} for i in range(2500)]
    data = json.dumps(items, ensure_ascii=False).encode()[:-30]  # cut off in the last object
    with pytest.raises(files.FileUnreadable) as info:
        run_import(ctx, data, "json")
    assert info.value.code == "import.bad_json"
    assert count(ctx) == 0


def test_json_keeps_a_leading_apostrophe_and_spreadsheets_restore_it(ctx: Context) -> None:
    as_json = json.dumps([{"name_zh": "'=json机构", "kind": "enterprise"}], ensure_ascii=False).encode()
    run_import(ctx, as_json, "json")
    run_import(ctx, "name_zh,kind\n'=表格机构,enterprise\n".encode(), "csv")
    with ctx.session() as s:
        items, _ = service.list_records(s, actor=SYSTEM, spec=ORG, query=service.ListQuery(sort="id"))
    assert [i.name_zh for i in items] == ["'=json机构", "=表格机构"]  # type: ignore[attr-defined]


def test_reading_a_large_csv_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("name_zh,kind,description\n")
        for i in range(100_000):
            fh.write(f"机构{i},enterprise,{'长文本' * 40}\n")
    assert path.stat().st_size > 30_000_000
    tracemalloc.start()
    try:
        with files.read_table(path) as table:
            n = sum(1 for _ in table.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert n == 100_000
    assert peak < 10_000_000, peak  # the file is 30 MB


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("INNOBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("INNOBRIDGE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.mark.parametrize("name", list(hostile.HOSTILE))
def test_the_command_line_exits_2_with_both_messages(cli: CliRunner, tmp_path: Path, name: str) -> None:
    build, kind, code = hostile.HOSTILE[name]
    path = tmp_path / f"hostile.{kind}"
    path.write_bytes(build())
    r = cli.invoke(app, ["import", "organisation", str(path)])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    params = {}
    if code in ("import.nul_byte", "import.inconsistent_encoding"):
        params = {"line": 300 if code == "import.nul_byte" else 1}
    if params or "{" not in t(code, "en"):
        flat = " ".join(r.output.split())
        assert t(code, "zh", **params)[:12] in flat and t(code, "en", **params)[:30] in flat


def test_the_command_line_refuses_past_the_row_limit(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INNOBRIDGE_IMPORT_MAX_ROWS", "3")
    get_settings.cache_clear()
    path = tmp_path / "o.csv"
    path.write_text("name_zh,kind\n" + "".join(f"机构{i},enterprise\n" for i in range(4)), encoding="utf-8")
    r = cli.invoke(app, ["import", "organisation", str(path)])
    assert r.exit_code == 2 and "INNOBRIDGE_IMPORT_MAX_ROWS" in r.output
    assert json.loads(cli.invoke(app, ["stats", "--json"]).stdout)["organisations"] == 0


def test_a_table_left_half_read_closes_its_file(tmp_path: Path) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(hostile.workbook(hostile.ORG_ROWS * 100))

    def open_on_it() -> int:
        n = 0
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):  # e.g. the descriptor listdir itself used
                n += os.readlink(f"/proc/self/fd/{fd}") == str(path)
        return n

    table = files.read_table(path)
    next(table.rows)  # a caller that stops early (an exception in the importer) and drops the table
    assert open_on_it() == 1
    del table
    assert open_on_it() == 0
