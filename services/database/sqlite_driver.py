"""aiosqlite for SQLAlchemy, one trip to the database thread per statement.

SQLAlchemy's aiosqlite adapter makes four trips to aiosqlite's thread for each statement
(make a cursor, execute, fetch the rows, close the cursor), and every trip costs the event
loop a wake-up through a queue and a pipe: about 60 µs of CPU each on the development machine,
against about 30 µs for a small statement itself. This adapter runs the four steps as one
function on that thread. A resident filing a case (text, confirm, receipt and card sent) made
about 175 trips, then about 67, and about 45 since transactions open in the same trip as
their first statement (bench/README.md has the figures).

A statement may carry a `prelude`: the statements that open its transaction (`services.database.engine`
sets it: BEGIN, or BEGIN IMMEDIATE once it writes), run before it in the same trip; and a
commit or rollback with no transaction open in SQLite (its BEGIN was waiting for a statement
that never came) makes no trip at all.

Only client-side cursors change (a server-side cursor, `stream`, runs its prelude as
statements of their own); the connection's commit and rollback are SQLAlchemy's own once a
transaction is open, and its close always. aiosqlite's queue (`Connection._execute`) is the one
private name used: the adapter relies on aiosqlite ~0.22 as pinned in pyproject.toml, and
tests/services/database/test_sqlite_driver.py checks it against the stock adapter's behaviour.
"""

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, list[Any], int, int | None]


def _run(
    connection: sqlite3.Connection,
    prelude: tuple[str, ...],
    operation: str,
    parameters: Any,
    many: bool,
) -> _Outcome:
    cursor = connection.cursor()
    try:
        for statement in prelude:
            cursor.execute(statement)
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_lastrowid", "_rowcount", "prelude")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection):
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self.prelude: tuple[str, ...] = ()  # run first, in the same trip (services.database.engine)

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass  # rows are all fetched at once; fetchmany() without a size returns one, as sqlite3

    async def _async_soft_close(self) -> None:
        pass  # sqlite3's cursor was closed on the database thread

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass  # sqlite3 ignores it too

    def execute(self, operation: Any, parameters: Any = None) -> None:
        self._trip(operation, parameters, many=False)

    def executemany(self, operation: Any, seq_of_parameters: Sequence[Any]) -> None:
        self._trip(operation, seq_of_parameters, many=True)

    def _trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        prelude, self.prelude = self.prelude, ()
        try:
            outcome = await_(self._trip_async(prelude, operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _trip_async(
        self, prelude: tuple[str, ...], operation: Any, parameters: Any, many: bool
    ) -> _Outcome:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            outcome: _Outcome = await connection._execute(
                _run, connection._conn, prelude, operation, parameters, many
            )
            return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor

    def _nothing_open(self) -> bool:
        stock: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        try:
            return not stock.in_transaction
        except ValueError:  # closed: SQLAlchemy's own path handles it
            return False

    def commit(self) -> None:
        if not self._nothing_open():
            super().commit()

    def rollback(self) -> None:
        if not self._nothing_open():
            super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        stock = super().connect(*arg, **kw)
        return OneTripConnection(self, stock._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    """The DB-API module to give `create_async_engine(..., module=...)` for sqlite+aiosqlite."""
    return OneTripDBAPI(aiosqlite, sqlite3)
