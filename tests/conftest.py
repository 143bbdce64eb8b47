"""Real databases for every test: SQLite by default, PostgreSQL when TEST_DATABASE_URL is
set (scripts/test.sh runs the suite on both)."""

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import models  # noqa: F401
from services.database.engine import (
    create_engine_for,
    create_sync_engine,
    is_sqlite,
    session_factory,
)
from services.database.migrations import upgrade_database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# Every `python -m bot` a test starts serves the web too: on a free port, never 8000 (the
# SQLite and PostgreSQL passes run side by side). A test that needs the port sets its own.
os.environ.setdefault("WEB_PORT", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs again only the tests that use the database under test; the
    others (pure functions, the sandbox on its own SQLite, the page in a browser) do the
    same on either pass, and ran on the SQLite one."""
    if not POSTGRES_URL:
        return
    uses_database = {"database_url", "migrated_url"}
    keep = [i for i in items if uses_database & set(getattr(i, "fixturenames", ()))]
    dropped = [i for i in items if i not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def migrated_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if POSTGRES_URL:
        upgrade_database(POSTGRES_URL)
        return POSTGRES_URL
    template = tmp_path_factory.mktemp("db") / "template.db"
    url = f"sqlite:///{template}"
    upgrade_database(url)
    return url


def _wipe_postgres(url: str) -> None:
    engine = create_sync_engine(url)
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(migrated_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty, fully migrated database for this test."""
    if is_sqlite(migrated_url):
        source = Path(migrated_url.removeprefix("sqlite:///"))
        target = tmp_path / "test.db"
        shutil.copy(source, target)
        yield f"sqlite:///{target}"
    else:
        _wipe_postgres(migrated_url)
        yield migrated_url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with session_factory(engine)() as session:
        yield session
