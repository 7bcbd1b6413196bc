"""The `innobridge` command line end to end on a SQLite data directory: exit codes, reports, round trips."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from innobridge.cli import app
from innobridge.core.config import get_settings

ORGS = "name_zh,kind,region_code\n上海甲研究院,research_institute,310104\n上海乙公司,enterprise,310115\n"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("INNOBRIDGE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("INNOBRIDGE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_import_exit_codes_and_report(cli: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(ORGS, encoding="utf-8")
    r = cli.invoke(app, ["import", "organisation", str(good)])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.strip().splitlines()[-1])["created"] == 2

    bad = tmp_path / "bad.csv"
    bad.write_text(ORGS + "坏行,not-a-kind,310104\n", encoding="gbk")
    report = tmp_path / "report.csv"
    r = cli.invoke(app, ["import", "organisation", str(bad), "--report", str(report)])
    assert r.exit_code == 1
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert (summary["unchanged"], summary["rejected"]) == (2, 1)
    rows = list(csv.DictReader(report.read_text(encoding="utf-8-sig").splitlines()))
    assert [(x["row"], x["field"]) for x in rows] == [("4", "kind")]
    assert rows[0]["message_zh"].startswith("取值不在允许范围")

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    r = cli.invoke(app, ["import", "organisation", str(empty)])
    assert r.exit_code == 2
    assert "文件为空" in r.output and "the file is empty" in r.output
    assert cli.invoke(app, ["import", "spaceship", str(good)]).exit_code == 2


def test_dry_run_writes_nothing(cli: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text(ORGS, encoding="utf-8")
    r = cli.invoke(app, ["import", "organisation", str(f), "--dry-run"])
    assert r.exit_code == 0 and json.loads(r.stdout.strip().splitlines()[-1])["created"] == 2
    stats = cli.invoke(app, ["stats", "--json"])
    assert json.loads(stats.stdout)["organisations"] == 0


def test_export_then_import_elsewhere_gives_the_same_records(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "o.csv"
    src.write_text(ORGS, encoding="utf-8")
    assert cli.invoke(app, ["import", "organisation", str(src)]).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert cli.invoke(app, ["export", "organisation", str(out)]).exit_code == 0
    monkeypatch.setenv("INNOBRIDGE_DATA_DIR", str(tmp_path / "other"))
    get_settings.cache_clear()
    assert cli.invoke(app, ["import", "organisation", str(out)]).exit_code == 0
    again = tmp_path / "again.xlsx"
    assert cli.invoke(app, ["export", "organisation", str(again)]).exit_code == 0
    from openpyxl import load_workbook

    def cells(p: Path) -> list[tuple[object, ...]]:
        return list(load_workbook(p, read_only=True).worksheets[0].iter_rows(values_only=True))

    assert cells(out) == cells(again) and len(cells(out)) == 3


def test_schema_and_stats(cli: CliRunner) -> None:
    r = cli.invoke(app, ["schema", "achievement", "--json"])
    cols = {c["column"]: c for c in json.loads(r.stdout)}
    assert cols["title"]["required"] and cols["title"]["label_zh"] == "成果名称"
    stats = json.loads(cli.invoke(app, ["stats", "--json"]).stdout)
    assert set(stats) >= {
        "organisations",
        "people",
        "instruments",
        "projects",
        "achievements",
        "needs",
        "datasets",
    }
