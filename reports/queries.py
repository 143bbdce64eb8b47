"""The figures the documents show that services.statistics does not: the cases per channel
and per category with their outcomes (for the tables). Scoped exactly as the statistics
are: the communes, the channels, the cases received in the period by `as_of` or carried
over into it."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func
from sqlalchemy import select as select_columns
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Ticket, TicketStatus
from services.statistics import ANSWERED, Period, scope_for

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
    scope = scope_for(session, commune_ids, period, tz, moment, channels)
    closed_us = col(Ticket.closed_us)
    closed = and_(closed_us.is_not(None), closed_us <= scope.moment_us)
    deadline = case(
        (col(Ticket.status) == TicketStatus.FORWARDED.value, col(Ticket.forward_due_us)),
        else_=col(Ticket.resolve_due_us),
    )
    answered_on = scope.local_day(Ticket.closed_us)
    due_on = scope.local_day(deadline)
    outcome = case(
        (
            and_(closed, col(Ticket.status).in_([s.value for s in ANSWERED])),
            case((answered_on < due_on, "early"), (answered_on == due_on, "on_time"), else_="late"),
        ),
        (closed, "other"),
        (col(Ticket.resolve_due_us) < scope.moment_us, "overdue"),
        else_="not_due",
    ).label("outcome")
    is_new = case((scope.is_received(), 1), else_=0).label("is_new")
    # five columns: more than sqlmodel's select() is typed for, so SQLAlchemy's own
    statement: Any = (
        select_columns(col(Ticket.channel), col(Category.name), is_new, outcome, func.count())
        .select_from(Ticket)
        .outerjoin(Category, col(Category.id) == col(Ticket.category_id))
        .where(*scope.handled())
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
