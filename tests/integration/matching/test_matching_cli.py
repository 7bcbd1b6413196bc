"""`innobridge index` and `innobridge match` as plain functions, on a fresh data directory (SQLite)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.matching.factories import create, org

from innobridge.cli import matching as cli_matching
from innobridge.core import migrate
from innobridge.core.config import Settings, get_settings
from innobridge.core.context import Context
from innobridge.core.db import make_engine


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("INNOBRIDGE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INNOBRIDGE_ENCODER", "none")
    monkeypatch.delenv("INNOBRIDGE_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine = make_engine(Settings().resolved_database_url)
    migrate.upgrade(engine)
    ctx = Context.from_settings(Settings(), engine=engine)  # no index installed: the CLI must build it
    lab = org(ctx, "声学研究所", kind="research_institute")
    create(ctx, "achievement", kind="patent", title="降噪耳机主动降噪算法", organisation_id=lab)
    create(ctx, "need", title="主动降噪算法需求")
    yield tmp_path
    engine.dispose()
    get_settings.cache_clear()


def test_match_text_as_json_builds_an_empty_index(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli_matching.match_command(need=None, text="主动降噪", as_json=True, limit=5)
    out = json.loads(capsys.readouterr().out)
    assert [c["title"] for c in out["achievements"]] == ["降噪耳机主动降噪算法"]
    assert out["achievements"][0]["owner"]["name_zh"] == "声学研究所"


def test_match_need_as_text_report(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli_matching.index_command(rebuild=True, vectors=True)
    assert "indexed 3 records" in capsys.readouterr().out
    cli_matching.match_command(need=1, text=None, as_json=False, limit=5)
    report = capsys.readouterr().out
    assert "降噪耳机主动降噪算法 — 声学研究所" in report and "共同关键词" in report


def test_match_refuses_bad_arguments_and_unknown_needs(data_dir: Path) -> None:
    for kwargs in ({"need": None, "text": None}, {"need": 1, "text": "x"}, {"need": None, "text": "  "}):
        with pytest.raises(SystemExit) as exc:
            cli_matching.match_command(as_json=False, limit=5, **kwargs)  # type: ignore[arg-type]
        assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli_matching.match_command(need=999, text=None, as_json=False, limit=5)
    assert exc.value.code == 1
