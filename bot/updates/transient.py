"""Database faults that pass: trying the same work again a moment later may well succeed."""

from sqlalchemy import exc as sa

# SQLite: "database is locked" (a writer held the lock past busy_timeout) and disk I/O
# hiccups; PostgreSQL: a lost or closed connection, a serialization failure or deadlock
# (psycopg and asyncpg raise both as OperationalError through SQLAlchemy). A wrong query
# also raises OperationalError on SQLite ("no such table"): retried a few times, then
# answered like any failure.
_PASSING = (sa.OperationalError, sa.InterfaceError, sa.TimeoutError)


def passing_database_fault(error: BaseException) -> bool:
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, _PASSING)
