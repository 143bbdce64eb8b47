"""Emptying SQLite's write-ahead log after an erasure.

The WAL keeps every page a transaction wrote until a checkpoint copies it into the database
file, and the file itself until the next writer starts over at its beginning: the text and
phone an erasure just removed stay in `homthuso.db-wal`, many times, long after the main
file (where `secure_delete` zeroes them) holds none. A TRUNCATE checkpoint copies the log in
and cuts it to nothing. PostgreSQL has no such file of ours (README, Personal data)."""

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)


async def truncate_wal(engine: AsyncEngine) -> bool:
    """Whether the log is now empty (always true on PostgreSQL). Waits for readers up to the
    busy timeout; a reader that holds on leaves the log for the next checkpoint, logged."""
    if engine.dialect.name != "sqlite":
        return True
    async with engine.connect() as connection:
        # the driver's own connection: SQLAlchemy would open a transaction, and a checkpoint
        # inside one cannot wait for the log's readers
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        cursor = await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _pages, _copied = await cursor.fetchone()
        await cursor.close()
    if busy:
        log.warning("after an erasure the SQLite WAL could not be emptied: a reader held it")
    return not busy
