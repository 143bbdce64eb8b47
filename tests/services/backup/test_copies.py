"""Backups an IT person takes and puts back with `pakn db`: consistent while another
connection writes, restored to the same annual report, refused while the bot runs or over
data without --yes, an older backup brought up to the newest schema."""

import asyncio
import contextlib
import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel

from models import ReportKind
from reports.build import ReportRequest, build_report
from scheduler.lock import leader_lock
from services.backup import copies as backup
from services.clock import SystemClock
from services.communes import registry as communes
from services.database.engine import (
    create_engine_for,
    create_sync_engine,
    is_sqlite,
    session_factory,
)
from services.database.migrations import alembic_config, upgrade_database
from services.statistics.figures import Period
from tests.cli.test_main import run
from tests.reports.seeds import POLICY, SEED_NOW, seed_000


async def seeded_sqlite(path: Path) -> tuple[str, int]:
    """A SQLite database of its own with commune 7060, whatever the test database is."""
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            commune = await communes.add_commune(session, "7060", year=2026, population=12290)
            assert commune.id is not None
            return url, commune.id
    finally:
        await engine.dispose()


async def annual_json(url: str, *, seed: bool = False) -> dict[str, Any]:
    """Seed 000's annual report for 2024, as `pakn report annual --format json` prints it."""
    engine = create_engine_for(url)
    try:
        async with session_factory(engine)() as session:
            if seed:
                await seed_000(session)
            commune = await communes.get_commune(session, "7060")
            assert commune.id is not None
            request = ReportRequest(
                commune_ids=(commune.id,),
                kind=ReportKind.ANNUAL,
                period=Period(date(2024, 1, 1), date(2024, 12, 31)),
                channels="digital",
            )
            return (await build_report(session, POLICY, request, now=SEED_NOW)).as_json()
    finally:
        await engine.dispose()


def _revision(url: str) -> str:
    engine = create_sync_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(text("SELECT version_num FROM alembic_version")))
    finally:
        engine.dispose()


def _wipe(url: str) -> None:
    """The database is gone: the SQLite file deleted, or every PostgreSQL table dropped."""
    if is_sqlite(url):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    engine = create_sync_engine(url)
    with engine.begin() as connection:
        for table in [*reversed(SQLModel.metadata.sorted_tables), "alembic_version"]:
            connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    engine.dispose()


def test_a_backup_taken_while_another_connection_writes_is_consistent(tmp_path: Path) -> None:
    url, commune_id = asyncio.run(seeded_sqlite(tmp_path / "live.db"))
    live = tmp_path / "live.db"
    pending = sqlite3.connect(live, timeout=15, isolation_level=None)
    pending.execute("BEGIN IMMEDIATE")  # a writer in the middle of its transaction
    pending.execute(
        "INSERT INTO village (commune_id, name, active) VALUES (?, 'Chưa ghi xong', 1)",
        (commune_id,),
    )
    stop = threading.Event()
    written = threading.Event()

    def writer() -> None:  # villages in pairs, each pair one transaction
        with contextlib.closing(sqlite3.connect(live, timeout=15, isolation_level=None)) as db:
            i = 0
            while not stop.is_set():
                db.execute("BEGIN IMMEDIATE")
                for half in ("a", "b"):
                    db.execute(
                        "INSERT INTO village (commune_id, name, active) VALUES (?, ?, 1)",
                        (commune_id, f"Thôn {i}{half}"),
                    )
                db.execute("COMMIT")
                i += 1
                if i == 20:
                    written.set()

    try:
        first = backup.backup_sqlite(url, tmp_path / "held.db")  # the write lock is held
        pending.execute("ROLLBACK")
        thread = threading.Thread(target=writer)
        thread.start()
        try:
            assert written.wait(30)
            copies = [backup.backup_sqlite(url, tmp_path / f"copy-{n}.db") for n in range(5)]
        finally:
            stop.set()
            thread.join()
    finally:
        pending.close()

    assert not list(tmp_path.glob(".*.part")), "no half-written copy is left behind"
    for path in [first, *copies]:
        assert path.stat().st_mode & 0o777 == 0o600, "personal data: the owner only"
        with contextlib.closing(sqlite3.connect(path)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            names = {row[0] for row in db.execute("SELECT name FROM village")}
        assert "Chưa ghi xong" not in names, "an uncommitted write is not in the copy"
        pairs = {name[:-1] for name in names}
        assert names == {p + half for p in pairs for half in "ab"}, "whole transactions only"
    assert len(names) >= 40


async def test_back_up_wipe_restore_and_the_annual_report_is_the_same(
    database_url: str, tmp_path: Path
) -> None:
    before = await annual_json(database_url, seed=True)
    assert before["statistics"], "the year has figures"
    saved = tmp_path / "backups" / "homthuso.backup"
    made = run("db", "backup", str(saved), database_url=database_url)
    assert made.returncode == 0, made.stderr
    assert "Đã sao lưu" in made.stdout and str(saved) in made.stdout
    assert saved.stat().st_size > 0

    refused = run("db", "restore", str(saved), database_url=database_url)
    assert refused.returncode == 1
    assert "đang có dữ liệu" in refused.stderr and "--yes" in refused.stderr

    _wipe(database_url)
    try:
        restored = run("db", "restore", str(saved), database_url=database_url)
        assert restored.returncode == 0, restored.stderr
        assert "Đã khôi phục" in restored.stdout
        assert await annual_json(database_url) == before
    finally:
        upgrade_database(database_url)  # the next tests share a PostgreSQL database


async def test_restore_is_refused_while_the_bot_runs(database_url: str, tmp_path: Path) -> None:
    saved = tmp_path / "saved.backup"
    assert run("db", "backup", str(saved), database_url=database_url).returncode == 0
    engine = create_engine_for(database_url)
    lock = leader_lock(engine, SystemClock(), 60)
    try:
        assert await lock.acquire()  # what the running bot's scheduler holds
        refused = run("db", "restore", str(saved), "--yes", database_url=database_url)
        assert refused.returncode == 1
        assert "Bot đang chạy" in refused.stderr and "dừng bot" in refused.stderr
    finally:
        await lock.release()
        await engine.dispose()
    restored = run("db", "restore", str(saved), "--yes", database_url=database_url)
    assert restored.returncode == 0, restored.stderr


def test_an_older_backup_gets_the_newest_schema(tmp_path: Path) -> None:
    """SQLite whatever the test database: a backup is a file in any case."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_revision("head")
    assert head is not None
    older = head.down_revision if isinstance(head.down_revision, str) else head.revision
    old_file = tmp_path / "old.db"
    config = alembic_config(f"sqlite:///{old_file}")
    engine = create_sync_engine(f"sqlite:///{old_file}")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, older)
    engine.dispose()
    old_copy = backup.backup_sqlite(f"sqlite:///{old_file}", tmp_path / "old-backup.db")

    target = f"sqlite:///{tmp_path}/restored/homthuso.db"
    restored = run("db", "restore", str(old_copy), database_url=target)
    assert restored.returncode == 0, restored.stderr
    assert _revision(target) == head.revision
    engine = create_sync_engine(target)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_what_cannot_be_restored_is_refused_before_anything_changes(tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path}/homthuso.db"
    upgrade_database(target)
    newer = tmp_path / "newer.db"
    backup.backup_sqlite(target, newer)
    with contextlib.closing(sqlite3.connect(newer)) as db:
        db.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        db.commit()
    refused = run("db", "restore", str(newer), "--yes", database_url=target)
    assert refused.returncode == 1 and "phiên bản Hòm thư số mới hơn" in refused.stderr

    notes = tmp_path / "notes.txt"
    notes.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    refused = run("db", "restore", str(notes), "--yes", database_url=target)
    assert refused.returncode == 1 and "không phải bản sao lưu" in refused.stderr
    missing = run("db", "restore", str(tmp_path / "gone.db"), database_url=target)
    assert missing.returncode == 1 and "Không có tệp" in missing.stderr
    assert _revision(target) != "ffffffffffff"
