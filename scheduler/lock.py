"""Only one scheduler runs, however many bot processes share the database: PostgreSQL's
advisory lock (released by the server if the process dies), or a lease row elsewhere."""

import os
import socket
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from models import SchedulerLease
from services.clock import Clock

LOCK_KEY = 706_020_251  # pg_advisory_lock key of the scheduler
LEASE_NAME = "scheduler"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderLock(Protocol):
    async def acquire(self) -> bool: ...
    async def keep(self) -> bool: ...
    async def release(self) -> None: ...


class AdvisoryLock:
    """Held on a dedicated connection; the server frees it when that connection ends."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.connection: AsyncConnection | None = None

    async def acquire(self) -> bool:
        if self.connection is None:
            self.connection = await self.engine.connect()
        got = await self.connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY})
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
                    text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY}
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


def leader_lock(engine: AsyncEngine, clock: Clock, lease_seconds: float) -> LeaderLock:
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return LeaseLock(engine, clock, lease_seconds, holder_name())
