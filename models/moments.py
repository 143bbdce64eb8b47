"""A ticket's moments as whole microseconds since 1970-01-01 UTC, kept by the database.

The statistics scan a million tickets per report; SQLite stores timestamps as text, and
parsing, comparing and grouping text costs it several times what integers do. So each
moment the statistics read has an integer twin (`Ticket.received_us` for `received_at`…),
which the database itself keeps in step on every INSERT and UPDATE (triggers created by the
migration 54a4730afbac, migrations/versions/): no writer — the ORM, a Core UPDATE, raw SQL,
a backup restored — can forget them. (Generated columns would say the same more briefly,
but SQLite never reads a generated column from an index, so its report could not be
answered from the index alone.)"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Column, FetchedValue
from sqlmodel import Field

# the moment columns and their integer twins
MOMENTS = {
    "received_at": "received_us",
    "ack_due_at": "ack_due_us",
    "resolve_due_at": "resolve_due_us",
    "forward_due_at": "forward_due_us",
    "acknowledged_at": "acknowledged_us",
    "closed_at": "closed_us",
    "first_answered_at": "first_answered_us",
    "rated_at": "rated_us",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def moment_column() -> Any:
    """A column the database writes: the ORM leaves it out of its INSERTs and UPDATEs and
    reads it back when asked."""
    return Field(
        default=None,
        sa_column=Column(BigInteger, FetchedValue(), server_onupdate=FetchedValue()),
    )


def micros(moment: datetime) -> int:
    """What the database stores in a *_us column for this (aware) moment."""
    return (moment - _EPOCH) // _MICROSECOND
