"""Apply Alembic migrations; every entry point calls this first."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from services.database.engine import create_sync_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def upgrade_database(url: str) -> None:
    """Bring the database to the newest schema. Safe to call from several processes."""
    engine = create_sync_engine(url)
    try:
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
