"""Only one process leads, however many bot processes share the database: one runs the
scheduled jobs, one sends the outbox. PostgreSQL's advisory lock (released by the server if
the process dies); on SQLite a lease row (the scheduler) or a lock on a file beside the
database (the outbox: released by the system the moment the process dies, so a bot killed
and started again sends at once)."""

import asyncio
import fcntl
import os
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from sqlalchemy import text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from models import SchedulerLease
from services.clock import Clock

LOCK_KEY = 706_020_251  # pg_advisory_lock key of the scheduler
OUTBOX_LOCK_KEY = 706_020_252  # … and of the outbox
NEWS_LOCK_KEY = 706_020_253  # … and of the web's news courier (Web Push, SMS)
LEASE_NAME = "scheduler"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderLock(Protocol):
    async def acquire(self) -> bool: ...
    async def keep(self) -> bool: ...
    async def release(self) -> None: ...


class AdvisoryLock:
    """Held on a dedicated connection; the server frees it when that connection ends."""

    def __init__(self, engine: AsyncEngine, key: int = LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self.connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self.connection is None:
            self.connection = await self.engine.connect()
        got = await self.connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
        await self.connection.commit()
        if not got:
            await self.connection.close()
            self.connection = None
        return bool(got)

    async def keep(self) -> bool:
        if self.connection is None:
            return False
        try:
            await self.connection.scalar(text("SELECT 1"))
            await self.connection.commit()
            return True
        except Exception:
            self.connection = None
            return False

    async def release(self) -> None:
        if self.connection is not None:
            try:
                await self.connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": self.key}
                )
                await self.connection.commit()
            finally:
                await self.connection.close()
                self.connection = None


class LeaseLock:
    """A row naming the holder until a time; renewed well before it expires."""

    def __init__(self, engine: AsyncEngine, clock: Clock, seconds: float, holder: str) -> None:
        self.engine = engine
        self.clock = clock
        self.seconds = seconds
        self.holder = holder

    async def acquire(self) -> bool:
        now = self.clock.now()
        table = SchedulerLease.__table__  # type: ignore[attr-defined]
        async with self.engine.begin() as connection:
            await connection.execute(
                sqlite_insert(table)
                .values(name=LEASE_NAME, holder="", expires_at=datetime.fromtimestamp(0, UTC))
                .on_conflict_do_nothing()
            )
            result = await connection.execute(
                update(SchedulerLease)
                .where(col(SchedulerLease.name) == LEASE_NAME)
                .where(
                    (col(SchedulerLease.expires_at) < now)
                    | (col(SchedulerLease.holder) == self.holder)
                )
                .values(holder=self.holder, expires_at=now + timedelta(seconds=self.seconds))
            )
            return bool(result.rowcount)

    async def keep(self) -> bool:
        return await self.acquire()

    async def release(self) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                update(SchedulerLease)
                .where(
                    col(SchedulerLease.name) == LEASE_NAME,
                    col(SchedulerLease.holder) == self.holder,
                )
                .values(expires_at=datetime.fromtimestamp(0, UTC))
            )


class FileLock:
    """An exclusive flock() on a file: one holder among processes (and among open files in
    one process); the system drops it when the holder's process ends, however it ends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    async def acquire(self) -> bool:
        if self.fd is None:
            self.fd = await asyncio.to_thread(_try_flock, self.path)
        return self.fd is not None

    async def keep(self) -> bool:
        return self.fd is not None

    async def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the file drops the lock
            self.fd = None


def _try_flock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def leader_lock(engine: AsyncEngine, clock: Clock, lease_seconds: float) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return LeaseLock(engine, clock, lease_seconds, holder_name())


def outbox_lock(engine: AsyncEngine) -> LeaderLock | None:
    """Which process sends the outbox: Telegram's limits are the bot's, not a process's, and
    two senders would both send each message. None for a database in memory (one process)."""
    return _sender_lock(engine, OUTBOX_LOCK_KEY, "outbox")


def news_lock(engine: AsyncEngine) -> LeaderLock | None:
    """Which web process sends residents' news: two would push each message twice."""
    return _sender_lock(engine, NEWS_LOCK_KEY, "news")


def _sender_lock(engine: AsyncEngine, key: int, name: str) -> LeaderLock | None:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine, key)
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    path = Path(database).expanduser()
    return FileLock(path.with_name(f"{path.name}.{name}-lock"))
