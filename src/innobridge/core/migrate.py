"""Schema migrations (Alembic), run on a given engine: `innobridge init`, the tests and the demo."""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData

from innobridge.core.models import Base

# Core's modules that declare tables. Features' modules come from the manifest (innobridge/features.py),
# read by name: it is data (import paths) and loads no feature, so core still imports none; and the list
# is kept once, where a feature is added, rather than passed in by every caller (CLI, tests, alembic's
# env.py), where one caller that forgot would get a schema missing tables, and autogenerate would
# propose dropping them.
MANIFEST = "innobridge.features"
MODEL_MODULES = (
    "innobridge.core.users",
    "innobridge.core.audit",
    "innobridge.core.storage.models",
    "innobridge.core.notifications.models",
)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def model_modules() -> tuple[str, ...]:
    """Every module that declares tables: core's, then each manifest feature's `models`."""
    feature_models: list[str] = importlib.import_module(MANIFEST).modules("models")
    return (*MODEL_MODULES, *feature_models)


def all_metadata() -> MetaData:
    for module in model_modules():
        importlib.import_module(module)
    return Base.metadata


def _config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = _config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    cfg = _config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the models (developers: `innobridge dev-migration MSG`)."""
    cfg = _config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
