"""The few figures the documents show that services.statistics does not: answers per month
(for the chart), and the cases per channel and per category with their outcomes (for the
tables). Scoped exactly as the statistics are: the communes, the channels, the cases
received in the period by `as_of` or carried over into it."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as select_columns
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Ticket, TicketStatus
from models.enums import DIGITAL_CHANNELS
from services.statistics import ANSWERED, Period

UNCATEGORISED = "Chưa phân loại"


@dataclass
class Row:
    """One line of a table: a channel or a category."""

    key: str
    name: str
    received: int = 0
    carried_over: int = 0
    answered: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    pending_overdue: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _scope(commune_ids: Sequence[int], channels: str) -> list[Any]:
    where = [col(Ticket.commune_id).in_(list(commune_ids))]
    if channels == "digital":
        where.append(col(Ticket.channel).in_([c.value for c in DIGITAL_CHANNELS]))
    return where


def _local_month(session: AsyncSession, column: Any, tz: ZoneInfo) -> Any:
    """ "2024-11" of a moment's local date, in SQL."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return func.to_char(func.timezone(str(tz), column), "YYYY-MM")
    offset = datetime(2024, 1, 1, tzinfo=tz).utcoffset() or timedelta(0)  # no DST in Vietnam
    hours = int(offset.total_seconds() // 3600)
    return func.strftime("%Y-%m", column, f"{hours:+d} hours")


async def answered_by_month(
    session: AsyncSession,
    tz: ZoneInfo,
    commune_ids: Sequence[int],
    period: Period,
    moment: datetime,
    channels: str = "all",
) -> dict[str, int]:
    """Cases answered (resolved, forwarded, rejected) in the period by `moment`, per local
    month of the answer: {"2024-11": 12}."""
    start, _end = period.bounds(tz)
    month = _local_month(session, Ticket.closed_at, tz)
    rows = (
        await session.exec(
            select(month, func.count())
            .where(
                *_scope(commune_ids, channels),
                col(Ticket.closed_at) >= start,
                col(Ticket.closed_at) <= moment,
                col(Ticket.status).in_([s.value for s in ANSWERED]),
            )
            .group_by(month)
        )
    ).all()
    return {str(key): int(count) for key, count in rows if key is not None}


def _local_date(session: AsyncSession, column: Any, tz: ZoneInfo) -> Any:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return func.date(func.timezone(str(tz), column))
    offset = datetime(2024, 1, 1, tzinfo=tz).utcoffset() or timedelta(0)
    return func.date(column, f"{int(offset.total_seconds() // 3600):+d} hours")


async def breakdown(
    session: AsyncSession,
    tz: ZoneInfo,
    commune_ids: Sequence[int],
    period: Period,
    moment: datetime,
    channels: str = "all",
) -> tuple[list[Row], list[Row]]:
    """Rows by channel and by category, counted in SQL. Timeliness as the statistics judge
    it: the local date of the answer against the local date of the deadline in force
    (forwarding against its own); merged and withdrawn cases are neither answered nor
    pending."""
    start, end = period.bounds(tz)
    received = and_(
        col(Ticket.received_at) >= start,
        col(Ticket.received_at) < end,
        col(Ticket.received_at) <= moment,
    )
    carried = and_(
        col(Ticket.received_at) < start,
        or_(col(Ticket.closed_at).is_(None), col(Ticket.closed_at) >= start),
    )
    closed = and_(col(Ticket.closed_at).is_not(None), col(Ticket.closed_at) <= moment)
    deadline = case(
        (col(Ticket.status) == TicketStatus.FORWARDED.value, col(Ticket.forward_due_at)),
        else_=col(Ticket.resolve_due_at),
    )
    answered_on = _local_date(session, Ticket.closed_at, tz)
    due_on = _local_date(session, deadline, tz)
    outcome = case(
        (
            and_(closed, col(Ticket.status).in_([s.value for s in ANSWERED])),
            case((answered_on < due_on, "early"), (answered_on == due_on, "on_time"), else_="late"),
        ),
        (closed, "other"),
        (col(Ticket.resolve_due_at) < moment, "overdue"),
        else_="not_due",
    ).label("outcome")
    is_new = case((col(Ticket.received_at) >= start, 1), else_=0).label("is_new")
    # five columns: more than sqlmodel's select() is typed for, so SQLAlchemy's own
    statement: Any = (
        select_columns(col(Ticket.channel), col(Category.name), is_new, outcome, func.count())
        .select_from(Ticket)
        .outerjoin(Category, col(Category.id) == col(Ticket.category_id))
        .where(*_scope(commune_ids, channels), or_(received, carried))
        .group_by(Ticket.channel, Category.name, is_new, outcome)
    )
    rows = (await session.exec(statement)).all()
    by_channel: dict[str, Row] = {}
    by_category: dict[str, Row] = {}
    for channel, category, new, result, count in rows:
        channel_key = str(getattr(channel, "value", channel))
        category_name = category or UNCATEGORISED
        for row in (
            by_channel.setdefault(channel_key, Row(channel_key, channel_key)),
            by_category.setdefault(category_name, Row(category_name, category_name)),
        ):
            _add(row, int(new), str(result), int(count))
    return list(by_channel.values()), list(by_category.values())


def _add(row: Row, new: int, outcome: str, count: int) -> None:
    if new:
        row.received += count
    else:
        row.carried_over += count
    if outcome in ("early", "on_time", "late"):
        row.answered += count
        setattr(row, outcome, getattr(row, outcome) + count)
    elif outcome in ("overdue", "not_due"):
        row.pending += count
        row.pending_overdue += count if outcome == "overdue" else 0


def total(rows: Sequence[Row], name: str = "Tổng cộng") -> Row:
    summed = Row("total", name)
    for row in rows:
        for key in (
            "received",
            "carried_over",
            "answered",
            "early",
            "on_time",
            "late",
            "pending",
            "pending_overdue",
        ):
            setattr(summed, key, getattr(summed, key) + getattr(row, key))
    return summed
