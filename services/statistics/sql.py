"""The SQL the statistics are made of: which tickets a report counts, and local dates.

Every count is a GROUP BY over one of three populations of the report's communes (and
channels): the cases received in the period, the cases handled in it (received, or carried
over from before it), and for durations the handled cases that had an answer by the as-of
moment. They read the moments' integer twins (microseconds since 1970 UTC, models/moments.py),
which compare and group faster than timestamps, and the same on both databases. Local dates
are computed inside the database; Vietnam keeps one UTC offset all year, so a local date is
the UTC moment shifted by that offset, in whole days."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.sql import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Ticket, TicketStatus
from models.enums import DIGITAL_CHANNELS
from models.moments import micros

ANSWERED = (TicketStatus.RESOLVED, TicketStatus.FORWARDED, TicketStatus.REJECTED)
EPOCH = date(1970, 1, 1)
_DAY_US = 86_400_000_000


@dataclass(frozen=True)
class Scope:
    """The report's communes and channels, its period as UTC bounds [start, end), and the
    as-of moment; `dialect` and `offset` say how local dates are computed."""

    commune_ids: tuple[int, ...]
    channels: str  # "all" or "digital"
    start: datetime
    end: datetime
    moment: datetime
    offset: timedelta  # local time = UTC + offset
    dialect: str  # "sqlite" or "postgresql"

    def of(self, commune_ids: Sequence[int]) -> "Scope":
        return replace(self, commune_ids=tuple(commune_ids))

    @property
    def start_us(self) -> int:
        return micros(self.start)

    @property
    def end_us(self) -> int:
        return micros(self.end)

    @property
    def moment_us(self) -> int:
        return micros(self.moment)

    def base(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [col(Ticket.commune_id).in_(self.commune_ids)]
        if self.channels == "digital":
            where.append(col(Ticket.channel).in_(sorted(c.value for c in DIGITAL_CHANNELS)))
        return where

    def received(self) -> list[ColumnElement[bool]]:
        """Received in the period, by the as-of moment."""
        return [
            *self.base(),
            col(Ticket.received_us) >= self.start_us,
            col(Ticket.received_us) < self.end_us,
            col(Ticket.received_us) <= self.moment_us,
        ]

    def handled(self) -> list[ColumnElement[bool]]:
        """Received in the period, or carried over: received before it and still open at its
        start. The first term bounds the index range both kinds share."""
        received, closed = col(Ticket.received_us), col(Ticket.closed_us)
        start = self.start_us
        return [
            *self.base(),
            received < self.end_us,
            or_(
                and_(received >= start, received <= self.moment_us),
                and_(received < start, or_(closed.is_(None), closed >= start)),
            ),
        ]

    def is_received(self) -> ColumnElement[bool]:
        """Among handled tickets: received in the period (the others are carried over)."""
        return col(Ticket.received_us) >= self.start_us

    def closed_by(self) -> ColumnElement[bool]:
        """Closed in the period, by the as-of moment."""
        closed = col(Ticket.closed_us)
        return and_(closed.is_not(None), closed <= self.moment_us, closed >= self.start_us)

    def sign(self, value: ColumnElement[int]) -> ColumnElement[int]:
        """-1, 0 or 1, the value computed once (a CASE would compute it for each branch)."""
        if self.dialect == "postgresql":
            return func.greatest(func.least(value, 1), -1)
        return func.max(func.min(value, 1), -1)  # SQLite's scalar min and max

    def local_day(self, moment_us: Any) -> ColumnElement[int]:
        """The local date of a *_us column as a number of days since 1970-01-01, so that
        dates compare, subtract and pack into grouping keys the same way on both databases
        (integer division: the moments are after 1970)."""
        shift = self.offset // timedelta(microseconds=1)
        day: ColumnElement[int] = (moment_us + shift) // _DAY_US
        return day


async def count_by(
    session: AsyncSession, keys: Sequence[ColumnElement[Any]], where: Sequence[Any] = ()
) -> Sequence[Any]:
    """(key..., number of rows) for each distinct combination of the keys.

    The keys are computed in a subquery that OFFSET 0 keeps apart from the grouping: merged
    into it, SQLite evaluates each key twice, once to sort and once to output. The rows come
    back as plain tuples: the ORM would cost more than the query for the thousands of groups
    of a durations query."""
    rows = sa_select(*(key.label(f"key{i}") for i, key in enumerate(keys))).where(*where)
    computed = rows.offset(0).subquery()
    query = sa_select(*computed.c, func.count()).group_by(*computed.c)
    return (await (await session.connection()).execute(query)).all()


def as_date(day: int) -> date:
    """What `Scope.local_day` returns, as a date."""
    return EPOCH + timedelta(days=int(day))


def code(column: Any, values: Sequence[str]) -> ColumnElement[int]:
    """The position of the column's value in `values` (len(values) for any other, NULL
    included)."""
    return case({v: i for i, v in enumerate(values)}, value=column, else_=len(values))


class Packing:
    """Small codes packed into one integer grouping key, each in its own bits, the first
    named lowest; an unbounded number (a day) may go above them all. SQLite groups by
    sorting, and sorts one integer several times faster than a row of text columns."""

    def __init__(self, **bits: int) -> None:
        self.fields: dict[str, tuple[int, int]] = {}
        shift = 0
        for name, width in bits.items():
            self.fields[name] = (shift, (1 << width) - 1)
            shift += width
        self.top = shift

    def pack(self, above: Any = None, **codes: Any) -> ColumnElement[int]:
        key: Any = 0 if above is None else above * (1 << self.top)
        for name, value in codes.items():
            key = key + value * (1 << self.fields[name][0])
        return key

    def split(self, key: int) -> tuple[int, int]:
        """(what was packed above the codes, the codes together)."""
        return key >> self.top, key & ((1 << self.top) - 1)

    def unpack(self, codes: int) -> dict[str, int]:
        return {name: codes >> shift & mask for name, (shift, mask) in self.fields.items()}


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 or 0, the same on both databases (a grouping key, unlike a boolean)."""
    return case((condition, 1), else_=0)
