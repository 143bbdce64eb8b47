"""The figures the documents show that services.statistics.figures does not: the cases per channel
and per category with their outcomes (for the tables). Scoped exactly as the statistics
are: the communes, the channels, the cases received in the period by `as_of` or carried
over into it."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, cast, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Ticket, TicketStatus
from services.statistics.counts import CHANNELS
from services.statistics.figures import ANSWERED, Period, scope_for
from services.statistics.sql import Packing, code, count_by, flag

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


OUTCOMES = ("early", "on_time", "late", "other", "overdue", "not_due")
# (outcome, received in the period or carried over, channel) below the category's id: one
# integer to group by, as the statistics' passes do (services/statistics_sql.Packing)
_KEY = Packing(outcome=3, new=1, channel=4)


async def breakdown(
    session: AsyncSession,
    tz: ZoneInfo,
    commune_ids: Sequence[int],
    period: Period,
    moment: datetime,
    channels: str = "all",
) -> tuple[list[Row], list[Row]]:
    """Rows by channel and by category (by its name: communes' categories of the same name
    are one row), counted in SQL. Timeliness as the statistics judge it: the local date of
    the answer against the local date of the deadline in force (forwarding against its own);
    merged and withdrawn cases are neither answered nor pending."""
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
            case((answered_on < due_on, 0), (answered_on == due_on, 1), else_=2),
        ),
        (closed, 3),
        (col(Ticket.resolve_due_us) < scope.moment_us, 4),
        else_=5,
    )
    key = _KEY.pack(
        cast(func.coalesce(Ticket.category_id, 0), BigInteger),
        outcome=outcome,
        new=flag(scope.is_received()),
        channel=code(Ticket.channel, CHANNELS),
    )
    # tens of thousands of groups for a province: summed by channel and by category as
    # plain integers first, (channel or category) << 4 | the four low bits
    by_channel_codes: Counter[int] = Counter()
    by_category_codes: Counter[int] = Counter()
    for packed, count in await count_by(session, [key], scope.handled()):
        low = packed & 15
        by_channel_codes[(packed >> 4 & 15) << 4 | low] += count
        by_category_codes[(packed >> 8) << 4 | low] += count
    ids = {packed >> 4 for packed in by_category_codes} - {0}
    names = await _category_names(session, ids)
    by_channel: dict[str, Row] = {}
    for packed, count in by_channel_codes.items():
        channel = CHANNELS[packed >> 4]  # the column holds Channel values only
        _add(by_channel.setdefault(channel, Row(channel, channel)), packed & 15, count)
    by_category: dict[str, Row] = {}
    for packed, count in by_category_codes.items():
        name = names.get(packed >> 4) or UNCATEGORISED
        _add(by_category.setdefault(name, Row(name, name)), packed & 15, count)
    return list(by_channel.values()), list(by_category.values())


async def _category_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    rows = await session.exec(select(Category.id, Category.name).where(col(Category.id).in_(ids)))
    return {category_id: name for category_id, name in rows.all() if category_id is not None}


def _add(row: Row, codes: int, count: int) -> None:
    """Counts a group: `codes` is the new bit (received in the period) and the outcome."""
    if codes >> 3:
        row.received += count
    else:
        row.carried_over += count
    outcome = OUTCOMES[codes & 7]
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


ADMINISTRATIVE_FIELD = "thu_tuc_hanh_chinh"  # Thủ tục hành chính, a default field


async def field_names(session: AsyncSession, commune_ids: Sequence[int], slug: str) -> set[str]:
    """The names the communes give a default field; empty unless every one of them has it."""
    rows = (
        await session.exec(
            select(Category.commune_id, Category.name).where(
                col(Category.commune_id).in_(list(commune_ids)), Category.slug == slug
            )
        )
    ).all()
    if {commune_id for commune_id, _ in rows} != set(commune_ids):
        return set()
    return {name for _, name in rows}
