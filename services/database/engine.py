"""Database URLs, engines and sessions for SQLite (embedded) and PostgreSQL (production)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import create_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from services.database.sqlite_driver import OneTripCursor, one_trip_dbapi

SQLITE_BUSY_TIMEOUT_MS = 15_000


class DatabaseUrlError(ValueError):
    pass


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse message
        raise DatabaseUrlError(f"DATABASE_URL is not a valid URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgres":
        parsed = parsed.set(drivername="postgresql")
    elif backend not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"DATABASE_URL must start with sqlite:/// or postgresql:// (got {backend}://)"
        )
    return parsed


def async_url(url: str) -> URL:
    """The same database with the async driver this project uses."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed.set(drivername="postgresql+psycopg")


def sync_url(url: str) -> URL:
    """The same database with a blocking driver, for migrations run before the event loop."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def is_sqlite(url: str | URL) -> bool:
    parsed = url if isinstance(url, URL) else _parse(url)
    return parsed.get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: URL) -> None:
    if is_sqlite(url) and url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_WRITING = "sqlite_writing"
_BEGIN_PENDING = "sqlite_begin_pending"


def _configure_sqlite(sync_engine: Engine, *, immediate: bool = False) -> None:
    """WAL and a busy timeout, so the CLI can work while the bot runs.

    Transactions start deferred, so readers never hold a lock (WAL readers block no one).
    The first write of a transaction ends its read snapshot and takes the write lock
    (BEGIN IMMEDIATE): a transaction that read and then writes waits for the lock instead
    of failing with SQLITE_BUSY, and the lock is held only while writing, never while a
    handler talks to Telegram. A transaction that writes first begins IMMEDIATE. `immediate`
    takes the lock at once (migrations).

    On the async engine these BEGINs ride in the same trip to the database thread as the
    statement that needs them (`OneTripCursor.prelude`): two to three trips fewer for each
    transaction, a trip being about 70 µs of the event loop's time (bench/README.md)."""

    @event.listens_for(sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        if immediate:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.info[_BEGIN_PENDING] = True  # with the first statement
        connection.info[_WRITING] = immediate

    @event.listens_for(sync_engine, "before_cursor_execute")
    def before_execute(connection: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if not connection.in_transaction():
            return
        info = connection.info
        writes = statement.lstrip()[:7].upper().startswith(_DML)
        if info.pop(_BEGIN_PENDING, False):
            prelude: tuple[str, ...] = ("BEGIN IMMEDIATE",) if writes else ("BEGIN",)
        elif writes and not info.get(_WRITING):
            prelude = ("COMMIT", "BEGIN IMMEDIATE")  # only reads so far: nothing is lost
        else:
            return
        info[_WRITING] = writes
        if isinstance(cursor, OneTripCursor):
            cursor.prelude = prelude
        else:  # a server-side cursor (`stream`)
            for sql in prelude:
                cursor.execute(sql)

    @event.listens_for(sync_engine, "commit")
    @event.listens_for(sync_engine, "rollback")
    def on_end(connection: Any) -> None:
        connection.info[_WRITING] = False
        connection.info.pop(_BEGIN_PENDING, None)


# Residents' words and phones travel as SQL parameters: never in the log, whatever LOG_LEVEL
# (SQLAlchemy's statement log and its errors show "[SQL parameters hidden]"); aiosqlite
# logs each call with its arguments at DEBUG, so its logger stays at INFO.


def _quiet_aiosqlite() -> None:
    driver_log = logging.getLogger("aiosqlite")
    if driver_log.getEffectiveLevel() < logging.INFO:
        driver_log.setLevel(logging.INFO)


def create_sync_engine(url: str) -> Engine:
    parsed = sync_url(url)
    ensure_sqlite_directory(parsed)
    engine = create_engine(parsed, hide_parameters=True)
    if is_sqlite(parsed):
        _configure_sqlite(engine, immediate=True)
    return engine


def create_engine_for(url: str, *, pool_size: int = 10) -> AsyncEngine:
    parsed = async_url(url)
    ensure_sqlite_directory(parsed)
    if is_sqlite(parsed):
        _quiet_aiosqlite()
        engine = create_async_engine(parsed, module=one_trip_dbapi(), hide_parameters=True)
        _configure_sqlite(engine.sync_engine)
    else:
        engine = create_async_engine(
            parsed, pool_size=pool_size, pool_pre_ping=True, hide_parameters=True
        )
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def session_scope(
    factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose uncommitted work is rolled back on exit; services commit."""
    async with factory() as session:
        try:
            yield session
        finally:
            await session.rollback()
