"""Copies of the database that can be put back.

SQLite is copied with its online backup API: one step reads the whole database inside a
single read transaction, a snapshot that writers working alongside (WAL) neither block nor
change, so the bot keeps running. PostgreSQL goes through pg_dump (services.backup.postgres).
No Telegram here: the CLI and the scheduler say what happened."""

import os
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from sqlmodel import col

from models import SchedulerLease
from services.database.engine import SQLITE_BUSY_TIMEOUT_MS, create_sync_engine, is_sqlite, sync_url
from services.errors import DomainError

BOOKKEEPING = {"alembic_version", SchedulerLease.__tablename__}  # not the commune's data


class BackupError(DomainError):
    """Nothing was changed; the subclass says why."""


class DatabaseMissing(BackupError):
    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class NotABackup(BackupError):
    """Not a SQLite file holding this project's schema."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class NewerBackup(BackupError):
    """Made by a newer version of the code: its schema revision is unknown here."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


class RestoreFailed(BackupError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def sqlite_file(url: str) -> Path:
    database = sync_url(url).database
    if not database or database == ":memory:":
        raise BackupError("DATABASE_URL names no SQLite file")
    return Path(database).expanduser()


def describe(url: str) -> str:
    """The database as people recognise it: the file, or the URL without its password."""
    if is_sqlite(url):
        return str(sqlite_file(url))
    parsed = make_url(url)
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def copy(source: Path, destination: Path) -> None:
    with closing(connect(source)) as src, closing(connect(destination)) as dst:
        src.backup(dst)  # pages=-1: all in one step, so one consistent snapshot


def backup_sqlite(url: str, target: Path) -> Path:
    """A consistent copy of the database in `target`, which appears whole or not at all."""
    source = sqlite_file(url)
    if not source.is_file():
        raise DatabaseMissing(source)
    target = target.expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # personal data: readable by the bot's user only
    try:
        copy(source, partial)
        with closing(connect(partial)) as made:
            made.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def has_data(url: str) -> bool:
    """Whether any table other than the bookkeeping ones holds a row."""
    if is_sqlite(url) and not sqlite_file(url).is_file():
        return False
    engine = create_sync_engine(url)
    try:
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names()) - BOOKKEEPING
            return any(
                connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()
                for name in sorted(names)
            )
    finally:
        engine.dispose()


def scheduler_holder(url: str, now: datetime, *, lease_name: str, lock_key: int) -> str | None:
    """Who runs the scheduler on this database now (so the bot is running), if anyone:
    the holder of the lease row on SQLite, the session holding the advisory lock on
    PostgreSQL. The constants are scheduler.lock's."""
    if is_sqlite(url) and not sqlite_file(url).is_file():
        return None
    engine = create_sync_engine(url)
    try:
        with engine.connect() as connection:
            if not is_sqlite(url):
                pid = connection.scalar(
                    text(
                        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND classid = 0 AND objid = :key AND objsubid = 1 AND database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    ),
                    {"key": lock_key},
                )
                return None if pid is None else f"PostgreSQL pid {pid}"
            if SchedulerLease.__tablename__ not in inspect(connection).get_table_names():
                return None
            lease = connection.execute(
                select(col(SchedulerLease.holder), col(SchedulerLease.expires_at)).where(
                    col(SchedulerLease.name) == lease_name
                )
            ).first()
    finally:
        engine.dispose()
    if lease is None or not lease.holder or lease.expires_at <= now:
        return None
    return str(lease.holder)
