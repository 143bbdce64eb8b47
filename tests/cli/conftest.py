"""The commands as an IT person types them, each a fresh process."""

from pathlib import Path

import pytest


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> str:
    """A database no migration has touched (SQLite), to show every entry point migrates."""
    return (
        f"sqlite:///{tmp_path}/fresh/pakn.db" if database_url.startswith("sqlite") else database_url
    )
