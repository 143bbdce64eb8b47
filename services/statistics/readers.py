"""The statistics' passes side by side, on connections that all see the same data.

Each pass walks most of the report's index once; one connection does one pass at a time,
on one core (SQLite steps each aiosqlite connection in its own thread, without the GIL).
The passes must still count one state of the data, as one transaction would:

- SQLite (WAL): a connection's snapshot is the database as it is when it first reads. A
  short write lock, held while the readers and the caller's session take theirs, keeps any
  commit from falling between them: all see the same last commit, and what the caller reads
  next in its session agrees with the statistics. A session that has read already keeps its
  snapshot, which other connections cannot join: the passes run in it, as before.
- PostgreSQL: the first reader exports its snapshot (REPEATABLE READ) and the others import
  it (SET TRANSACTION SNAPSHOT). The caller's session reads committed data statement by
  statement, as the passes did before.

Other connections do not see what the caller's transaction wrote and did not commit, so
when it wrote anything (or the database is SQLite in memory, one per connection) the passes
run one after the other in the caller's session."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from services.database.engine import SQLITE_BUSY_TIMEOUT_MS

Pass = Callable[[AsyncSession], Awaitable[None]]
READERS = 2  # the passes of a report are three to six; more readers than cores gain nothing
_LOCK_WAIT_MS = 2_000  # a writer holding the lock longer: count in the caller's session


async def run(sessions: Sequence[AsyncSession], passes: Sequence[Pass]) -> None:
    """Runs the passes in this order (the costliest first), each reader taking the next one
    as it is free."""
    waiting = list(passes)

    async def reader(each: AsyncSession) -> None:
        while waiting:
            await waiting.pop(0)(each)

    try:
        async with asyncio.TaskGroup() as group:  # one pass failing stops the others
            for each in sessions:
                group.create_task(reader(each))
    except ExceptionGroup as failed:  # the error a pass raised, as it would alone
        raise failed.exceptions[0] from None


@asynccontextmanager
async def readers_for(
    session: AsyncSession, wanted: int | None = None
) -> AsyncIterator[list[AsyncSession]]:
    """Sessions that see what `session` sees: `wanted` (READERS) of them, or `session` alone.
    Enter it before the session first reads, or the passes run in the session."""
    wanted = READERS if wanted is None else wanted
    engine = session.bind
    if wanted < 2 or not isinstance(engine, AsyncEngine) or await _alone(session, engine):
        yield [session]
        return
    async with AsyncExitStack() as stack:
        connections = [await stack.enter_async_context(engine.connect()) for _ in range(wanted)]
        if engine.dialect.name == "postgresql":
            await _share_postgres_snapshot(connections)
        elif not await _share_sqlite_snapshot(engine, connections, session):
            yield [session]
            return
        sessions = [AsyncSession(bind=c) for c in connections]
        for each in sessions:
            stack.push_async_callback(each.close)
        yield sessions
        for connection in connections:
            await connection.rollback()


async def _alone(session: AsyncSession, engine: AsyncEngine) -> bool:
    """Whether the passes must run in the caller's session: it holds writes other
    connections cannot see, or (SQLite) a snapshot they cannot share, or the database is
    one per connection."""
    if engine.dialect.name == "sqlite":
        in_memory = engine.url.database in (None, "", ":memory:")
        return in_memory or "memory" in str(engine.url.query) or session.in_transaction()
    if not session.in_transaction():
        return False
    assigned = await session.connection()
    xid = await assigned.scalar(text("SELECT pg_current_xact_id_if_assigned()"))
    return xid is not None


async def _share_postgres_snapshot(connections: list[AsyncConnection]) -> None:
    first, *others = connections
    for connection in connections:
        await connection.execution_options(isolation_level="REPEATABLE READ")
    snapshot = await first.scalar(text("SELECT pg_export_snapshot()"))
    for connection in others:
        await connection.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))


async def _share_sqlite_snapshot(
    engine: AsyncEngine, connections: list[AsyncConnection], session: AsyncSession
) -> bool:
    """The readers' and the session's first reads under a write lock taken on one more
    connection, so that no commit comes between them. False when the lock is not free
    within _LOCK_WAIT_MS."""
    async with engine.connect() as lock:
        driver: Any = (await lock.get_raw_connection()).driver_connection
        await driver.execute(f"PRAGMA busy_timeout={_LOCK_WAIT_MS}")
        try:
            await driver.execute("BEGIN IMMEDIATE")
        except Exception:  # sqlite3.OperationalError: database is locked
            return False
        finally:
            await driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        try:
            for connection in [*connections, await session.connection()]:
                await connection.execute(text("SELECT 1 FROM ticket LIMIT 1"))
        finally:
            await driver.execute("ROLLBACK")
    return True
