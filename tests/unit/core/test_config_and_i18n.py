from __future__ import annotations

import pytest
from pydantic import ValidationError

from innobridge.core import i18n
from innobridge.core.config import Settings
from innobridge.core.security import hash_password, password_is_strong, verify_password


def test_prod_refuses_the_placeholder_secret() -> None:
    with pytest.raises(ValidationError):
        Settings(env="prod")
    assert Settings(env="prod", secret_key="a-real-secret-from-the-vault").env == "prod"


def test_default_database_is_sqlite_in_the_data_dir(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = Settings(data_dir=tmp_path)
    assert s.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'innobridge.sqlite3'}"


def test_every_message_has_both_languages() -> None:
    for key in i18n.all_keys():
        assert i18n.t(key, "zh") and i18n.t(key, "en")
    assert i18n.t("error.not_found", "en") == "Record not found"
    assert i18n.t("no.such.key", "en") == "no.such.key"  # shown, not lost
    with pytest.raises(ValueError, match="zh and en"):
        i18n.register({"x.only_zh": {"zh": "只有中文"}})


def test_passwords_are_hashed_and_checked() -> None:
    h = hash_password("correct-horse-42")
    assert h.startswith("$argon2") and "correct-horse-42" not in h
    assert verify_password(h, "correct-horse-42") and not verify_password(h, "wrong-horse-42")
    assert not verify_password("not-a-hash", "x")
    assert (
        password_is_strong("abcdefgh12")
        and not password_is_strong("short1")
        and not password_is_strong("a" * 12)
    )


def test_every_message_code_used_in_the_code_is_in_the_catalogue() -> None:
    import re
    from pathlib import Path

    import innobridge.matching.service
    import innobridge.registry.dedup
    import innobridge.registry.importing
    import innobridge.web.app

    src = Path(innobridge.web.app.__file__).resolve().parents[1]
    used = set()
    for path in src.rglob("*.py"):
        used |= set(
            re.findall(r"[\"']((?:error|field|import)\.[a-z_]+)[\"']", path.read_text(encoding="utf-8"))
        )
    missing = sorted(used - set(i18n.all_keys()) - {"error.html"})  # error.html is a template name
    assert not missing, missing
