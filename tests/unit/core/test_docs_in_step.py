"""Documentation that is checked: every setting is documented, the import schemas are current."""

from __future__ import annotations

from pathlib import Path

from innobridge.cli import schemas_markdown
from innobridge.core.config import Settings

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`INNOBRIDGE_{name.upper()}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def test_import_schema_doc_is_generated_from_the_schemas() -> None:
    assert (DOCS / "import-schemas.md").read_text(encoding="utf-8") == schemas_markdown()
