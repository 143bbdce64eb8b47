"""The nightly backup as the scheduler runs it, with a fixed clock: one copy a night named
by local time, the newest BACKUP_KEEP kept, a missed night caught up after a restart, a
failure logged without stopping the scheduler, PostgreSQL left to pg_dump."""

import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from config.context import AppContext, build_context
from config.settings import Settings
from scheduler import jobs
from scheduler.runner import build_scheduler
from services.clock import FixedClock
from services.database.engine import create_engine_for
from tests.services.backup.test_copies import seeded_sqlite

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NIGHT = datetime(2026, 11, 16, 1, 30, tzinfo=VN)


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    url, _commune_id = await seeded_sqlite(tmp_path / "live.db")
    engine = create_engine_for(url)
    yield url, engine
    await engine.dispose()


def context(url: str, engine: AsyncEngine, directory: Path, at: datetime) -> AppContext:
    settings = Settings(
        database_url=url, backup_dir=str(directory), backup_keep=3, backup_time="01:30"
    )
    return build_context(settings, engine, FixedClock(at))


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


async def test_the_scheduler_backs_up_nightly_when_backup_dir_is_set(
    live: tuple[str, AsyncEngine], tmp_path: Path
) -> None:
    url, engine = live
    ctx = context(url, engine, tmp_path / "backups", NIGHT)
    job = build_scheduler(ctx).get_job("backup")
    assert job is not None and str(job.trigger) == "cron[hour='1', minute='30']"
    off = build_context(Settings(database_url=url), engine, FixedClock(NIGHT))
    assert build_scheduler(off).get_job("backup") is None
    await jobs.run_all(off)  # without BACKUP_DIR nothing is written anywhere
    assert "backups" not in names(tmp_path)


async def test_one_copy_a_night_and_the_newest_three_kept(
    live: tuple[str, AsyncEngine], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, engine = live
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / "ghi-chu.txt").write_text("của cán bộ IT", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="scheduler.backups")
    for night in range(5):
        ctx = context(url, engine, directory, NIGHT + timedelta(days=night))
        await jobs.backup(ctx)
        await jobs.backup(ctx)  # the same night again (a restart): no second copy
        later = context(url, engine, directory, NIGHT + timedelta(days=night, hours=12))
        await jobs.run_all(later)  # the catch-up on start in the afternoon: none either
    assert names(directory) == [
        "ghi-chu.txt",
        "homthuso-20261118-0130.db",
        "homthuso-20261119-0130.db",
        "homthuso-20261120-0130.db",
    ]
    for path in directory.glob("homthuso-*.db"):
        with contextlib.closing(sqlite3.connect(path)) as db:
            assert db.execute("SELECT name FROM commune").fetchall() == [("Xã Thống Nhất",)]
    logged = caplog.text
    assert f"backup: wrote {directory / 'homthuso-20261120-0130.db'}" in logged
    assert "backup: removed 1 old copy (keeping 3): homthuso-20261117-0130.db" in logged

    # the machine was off at 01:30 on the 21st: the bot started at 09:05 makes the copy
    restart = context(url, engine, directory, datetime(2026, 11, 21, 9, 5, tzinfo=VN))
    await jobs.run_all(restart)
    assert names(directory)[-1] == "homthuso-20261121-0905.db"
    assert "homthuso-20261118-0130.db" not in names(directory)


async def test_a_failed_copy_is_logged_and_the_scheduler_goes_on(
    live: tuple[str, AsyncEngine], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url, engine = live
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="scheduler.backups")
    await jobs.backup(context(url, engine, blocked, NIGHT))  # does not raise
    assert f"backup: the nightly copy into {blocked} failed" in caplog.text


async def test_under_postgresql_the_job_says_once_to_use_pg_dump(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = "postgresql://pakn@127.0.0.1:1/never-connected"
    engine = create_engine_for(url)
    caplog.set_level(logging.INFO, logger="scheduler.backups")
    try:
        ctx = context(url, engine, tmp_path / "backups", NIGHT)
        await jobs.backup(ctx)
        await jobs.backup(ctx)
    finally:
        await engine.dispose()
    assert caplog.text.count("pg_dump") == 1
    assert not (tmp_path / "backups").exists()
