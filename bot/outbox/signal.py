"""On PostgreSQL, a process that is not the outbox's sender tells the sender at once when it
may have written a message (NOTIFY), instead of the sender finding it on its next idle sweep,
up to a second later: behind a load balancer a resident's confirm tap often lands on another
process than the sender, and its receipt would wait for that sweep.

SQLite has no such signal; there the sweep finds what other processes wrote."""

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.database.engine import is_sqlite, sync_url

log = logging.getLogger(__name__)

CHANNEL = "pakn_outbox"
RECONNECT_SECONDS = 5.0


class OutboxSignal:
    def __init__(self, engine: AsyncEngine, conninfo: str) -> None:
        self.engine = engine
        self.conninfo = conninfo
        self._notifying: asyncio.Task[None] | None = None
        self._again = False

    @classmethod
    def for_database(cls, database_url: str, engine: AsyncEngine) -> "OutboxSignal | None":
        if is_sqlite(database_url):
            return None
        url = sync_url(database_url).set(drivername="postgresql")
        return cls(engine, url.render_as_string(hide_password=False))

    def poke(self) -> None:
        """Tell the sender, soon; pokes while one is on its way make one more, not many."""
        if self._notifying is not None and not self._notifying.done():
            self._again = True
            return
        self._notifying = asyncio.create_task(self._notify())

    async def _notify(self) -> None:
        self._again = True
        while self._again:
            self._again = False
            try:
                async with self.engine.connect() as connection:
                    await connection.execute(
                        text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL}
                    )
                    await connection.commit()
            except Exception as exc:  # the sender's sweep finds the message anyway
                log.warning("outbox: could not signal the sender (%s)", type(exc).__name__)
                return

    async def listen(self, wake: Callable[[], None]) -> None:
        """Call `wake` for every signal, until cancelled; reconnects after a lost connection."""
        import psycopg  # here, not at the top: 8 MB that a bot on SQLite does without

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True
                ) as connection:
                    await connection.execute(f"LISTEN {CHANNEL}")
                    wake()  # whatever was written while nobody listened
                    async for _ in connection.notifies():
                        wake()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "outbox: not listening for other processes' messages (%s); again in %s s",
                    type(exc).__name__,
                    RECONNECT_SECONDS,
                )
            await asyncio.sleep(RECONNECT_SECONDS)

    async def close(self) -> None:
        if self._notifying is not None:
            with contextlib.suppress(Exception):
                await self._notifying
