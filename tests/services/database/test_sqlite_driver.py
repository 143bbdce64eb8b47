"""The SQLite engine's one-trip cursor behaves as SQLAlchemy's own aiosqlite cursor does,
in one trip to aiosqlite's thread per statement (the whole suite runs on it as well)."""

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.database.engine import create_engine_for


@pytest.fixture
async def sqlite_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
        )
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each call queued to aiosqlite's database thread, by the name of what it runs."""
    made: list[str] = []
    queue = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(getattr(fn, "__name__", repr(fn)))
        return await queue(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return made


async def test_rows_counts_and_keys_come_back_as_from_sqlite(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as connection:
        first = await connection.execute(text("INSERT INTO item (name) VALUES ('Thôn Đông')"))
        assert first.lastrowid == 1
        many = await connection.execute(
            text("INSERT INTO item (name) VALUES (:name)"),
            [{"name": "Thôn Tây"}, {"name": "Thôn Nam"}, {"name": "Thôn Bắc"}],
        )
        assert many.rowcount == 3
        updated = await connection.execute(text("UPDATE item SET name = name || '!' WHERE id > 2"))
        assert updated.rowcount == 2
        returned = await connection.execute(
            text("INSERT INTO item (name) VALUES ('Ấp 5') RETURNING id, name")
        )
        assert returned.one() == (5, "Ấp 5")

    async with sqlite_engine.connect() as connection:
        result = await connection.execute(text("SELECT id, name FROM item ORDER BY id"))
        assert list(result.keys()) == ["id", "name"]
        assert result.fetchone() == (1, "Thôn Đông")
        assert result.fetchmany(2) == [(2, "Thôn Tây"), (3, "Thôn Nam!")]
        assert result.fetchall() == [(4, "Thôn Bắc!"), (5, "Ấp 5")]
        empty = await connection.execute(text("SELECT id FROM item WHERE id > 99"))
        assert empty.all() == []
        streamed = await connection.stream(text("SELECT name FROM item ORDER BY id"))
        assert [row.name async for row in streamed][-1] == "Ấp 5"


async def test_a_refused_statement_raises_and_changes_nothing(sqlite_engine: AsyncEngine) -> None:
    async with sqlite_engine.begin() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES ('Xóm 1')"))
    with pytest.raises(exc.IntegrityError):
        async with sqlite_engine.begin() as connection:
            await connection.execute(text("INSERT INTO item (name) VALUES ('Xóm 2')"))
            await connection.execute(text("INSERT INTO item (name) VALUES ('Xóm 1')"))
    with pytest.raises(exc.OperationalError):
        async with sqlite_engine.connect() as connection:
            await connection.execute(text("SELECT nothing FROM nowhere"))
    async with sqlite_engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM item"))).scalars().all()
    assert names == ["Xóm 1"]


async def test_a_statement_is_one_trip_to_the_database_thread(
    sqlite_engine: AsyncEngine, trips: list[str]
) -> None:
    async with sqlite_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the transaction's BEGIN rides along
        assert len(trips) == 1, trips
        trips.clear()
        for n in range(10):
            assert (await connection.execute(text("SELECT :n"), {"n": n})).scalar() == n
        assert len(trips) == 10, trips  # SQLAlchemy's own cursor makes 40
        await connection.execute(text("INSERT INTO item (name) VALUES ('Tổ 3')"))
        assert len(trips) == 11, trips  # the read transaction becomes a writing one (db.py)
        await connection.commit()
        assert len(trips) == 12, trips


async def test_a_transaction_that_ran_no_statement_costs_no_trip(
    sqlite_engine: AsyncEngine, trips: list[str]
) -> None:
    async with sqlite_engine.connect() as connection:
        await connection.begin()
        await connection.commit()
        await connection.begin()
        await connection.rollback()
    assert trips == []


async def test_a_transaction_that_wrote_holds_the_write_lock_until_it_ends(
    sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    """BEGIN and BEGIN IMMEDIATE ride with statements, but still open real transactions:
    a write waits for the lock, a rollback undoes, a reader sees only what was committed."""
    other = await aiosqlite.connect(tmp_path / "driver.db", timeout=0.05, isolation_level=None)
    try:
        async with sqlite_engine.connect() as connection:
            await connection.execute(text("SELECT count(*) FROM item"))
            await connection.execute(text("INSERT INTO item (name) VALUES ('Ấp Mới')"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                await other.execute("INSERT INTO item (name) VALUES ('Ấp Cũ')")
            seen = await (await other.execute("SELECT count(*) FROM item")).fetchone()
            assert seen == (0,)  # not committed yet
            await connection.rollback()
            await connection.execute(text("INSERT INTO item (name) VALUES ('Ấp Giữa')"))
            await connection.commit()
        await other.execute("INSERT INTO item (name) VALUES ('Ấp Cũ')")
        names = await (await other.execute("SELECT name FROM item ORDER BY id")).fetchall()
        assert names == [("Ấp Giữa",), ("Ấp Cũ",)]
    finally:
        await other.close()


async def test_a_transaction_that_begins_with_a_stream_is_one_transaction_too(
    sqlite_engine: AsyncEngine,
) -> None:
    """A server-side cursor runs the BEGIN it carries as a statement of its own."""
    async with sqlite_engine.begin() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES ('Ấp 1'), ('Ấp 2')"))
    async with sqlite_engine.connect() as connection:
        streamed = await connection.stream(text("SELECT name FROM item ORDER BY id"))
        assert [row.name async for row in streamed] == ["Ấp 1", "Ấp 2"]
        await connection.execute(text("INSERT INTO item (name) VALUES ('Ấp 3')"))
        await connection.rollback()
        count = await connection.execute(text("SELECT count(*) FROM item"))
        assert count.scalar() == 2
