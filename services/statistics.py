"""The numbers the reports show, computed in SQL from the data (DOMAIN.md, Timeliness).

Counts and sums are GROUP BY queries; durations in working days come from two date columns
fetched per ticket (never whole tickets). Percentages are exact fractions here; the reports
round them half up to one decimal."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, EventKind, Ticket, TicketEvent, TicketStatus, Village
from models.enums import DIGITAL_CHANNELS
from services.communes import population_for_year
from services.deadlines import DeadlinePolicy

ANSWERED = (TicketStatus.RESOLVED, TicketStatus.FORWARDED, TicketStatus.REJECTED)
ANSWER_EVENTS = (EventKind.REPLIED, EventKind.RESOLVED, EventKind.FORWARDED, EventKind.REJECTED)


def percent(numerator: int, denominator: int) -> Decimal | None:
    """One decimal, rounded half up: 6.25 → 6.3. None when there is nothing to divide."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass
class Period:
    start: date
    end: date  # inclusive, local dates

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


@dataclass
class Statistics:
    commune_ids: list[int]
    period_start: date
    period_end: date
    as_of: datetime
    channels: str  # "all" or "digital"
    received: int = 0
    received_by_channel: dict[str, int] = field(default_factory=dict)
    received_by_kind: dict[str, int] = field(default_factory=dict)
    received_by_category: dict[str, int] = field(default_factory=dict)
    received_by_village: dict[str, int] = field(default_factory=dict)
    received_by_month: dict[str, int] = field(default_factory=dict)
    carried_over: int = 0
    handled: int = 0
    answered: int = 0
    answered_by_outcome: dict[str, int] = field(default_factory=dict)
    early: int = 0
    on_time: int = 0
    late: int = 0
    merged: int = 0
    withdrawn: int = 0
    pending_not_due: int = 0
    pending_overdue: int = 0
    on_time_rate: Decimal | None = None
    acknowledged_in_time: int = 0
    acknowledged_in_time_share: Decimal | None = None
    days_to_first_answer_avg: Decimal | None = None
    days_to_first_answer_median: Decimal | None = None
    days_to_close_avg: Decimal | None = None
    days_to_close_median: Decimal | None = None
    ratings: dict[str, int] = field(default_factory=dict)
    rated: int = 0
    satisfied_share: Decimal | None = None
    participants: int = 0
    population: int | None = None
    households: int | None = None
    participation_share: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates ISO, decimals as strings with a dot ("6.2")."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, Decimal):
                out[key] = str(value)
            elif isinstance(value, datetime | date):
                out[key] = value.isoformat()
        return out


def _scope(commune_ids: Sequence[int], channels: str) -> list[Any]:
    where = [col(Ticket.commune_id).in_(list(commune_ids))]
    if channels == "digital":
        where.append(col(Ticket.channel).in_([c.value for c in DIGITAL_CHANNELS]))
    return where


async def _grouped(session: AsyncSession, key: Any, where: list[Any]) -> dict[str, int]:
    rows = (await session.exec(select(key, func.count()).where(*where).group_by(key))).all()
    return {str(k.value if hasattr(k, "value") else k): int(n) for k, n in rows if k is not None}


def _local_month(session: AsyncSession, tz: ZoneInfo) -> Any:
    """ "2024-11" of the local date of receipt, in SQL."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return func.to_char(func.timezone(str(tz), Ticket.received_at), "YYYY-MM")
    offset = datetime.now(tz).utcoffset() or timedelta(0)  # Vietnam keeps one offset all year
    hours = int(offset.total_seconds() // 3600)
    return func.strftime("%Y-%m", Ticket.received_at, f"{hours:+d} hours")


async def _durations(
    session: AsyncSession,
    policy: DeadlinePolicy,
    stats: Statistics,
    in_scope: list[Any],
    closed_by: list[Any],
    moment: datetime,
) -> None:
    """Working days from receipt to the first answer, and to closing (answered tickets)."""
    first_answer = (
        select(TicketEvent.ticket_id, func.min(TicketEvent.at).label("first_at"))
        .where(
            col(TicketEvent.kind).in_([k.value for k in ANSWER_EVENTS]),
            col(TicketEvent.at) <= moment,
        )
        .group_by(col(TicketEvent.ticket_id))
        .subquery()
    )
    rows = (
        await session.exec(
            select(Ticket.commune_id, Ticket.received_at, Ticket.closed_at, first_answer.c.first_at)
            .join(first_answer, first_answer.c.ticket_id == Ticket.id)
            .where(*in_scope)
        )
    ).all()
    calendars: dict[int, Any] = {}
    to_answer: list[int] = []
    to_close: list[int] = []
    for commune_id, received_at, closed_at, first_at in rows:
        if commune_id not in calendars:
            calendars[commune_id] = await policy.calendar_for(session, commune_id)
        calendar = calendars[commune_id]
        start = policy.local_date(received_at)
        to_answer.append(calendar.working_days_between(start, policy.local_date(first_at)))
        if (
            closed_at is not None
            and closed_at <= moment
            and stats.period_start <= policy.local_date(closed_at)
        ):
            to_close.append(calendar.working_days_between(start, policy.local_date(closed_at)))

    def _avg(values: list[int]) -> Decimal | None:
        if not values:
            return None
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def _median(values: list[int]) -> Decimal | None:
        return Decimal(str(median(values))).quantize(Decimal("0.1")) if values else None

    stats.days_to_first_answer_avg = _avg(to_answer)
    stats.days_to_first_answer_median = _median(to_answer)
    stats.days_to_close_avg = _avg(to_close)
    stats.days_to_close_median = _median(to_close)


async def compute(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune_ids: Sequence[int],
    period: Period,
    *,
    as_of: datetime | None = None,
    now: datetime,
    channels: str = "all",
) -> Statistics:
    tz = policy.tz
    start, end = period.bounds(tz)
    moment = min(as_of or now, end)
    stats = Statistics(list(commune_ids), period.start, period.end, moment, channels)
    scope = _scope(commune_ids, channels)
    received = [
        *scope,
        col(Ticket.received_at) >= start,
        col(Ticket.received_at) < end,
        col(Ticket.received_at) <= moment,
    ]
    carried = [
        *scope,
        col(Ticket.received_at) < start,
        or_(col(Ticket.closed_at).is_(None), col(Ticket.closed_at) >= start),
    ]
    handled = or_(and_(*received[len(scope) :]), and_(*carried[len(scope) :]))
    in_scope = [*scope, handled]
    closed_by = [
        col(Ticket.closed_at).is_not(None),
        col(Ticket.closed_at) <= moment,
        col(Ticket.closed_at) >= start,
    ]

    stats.received_by_channel = await _grouped(session, Ticket.channel, received)
    stats.received = sum(stats.received_by_channel.values())
    stats.received_by_kind = await _grouped(session, Ticket.kind, received)
    stats.received_by_category = await _grouped(
        session, Category.name, [*received, col(Category.id) == col(Ticket.category_id)]
    )
    stats.received_by_village = await _grouped(
        session, Village.name, [*received, col(Village.id) == col(Ticket.village_id)]
    )
    stats.received_by_month = await _grouped(session, _local_month(session, tz), received)
    stats.carried_over = int(
        (await session.exec(select(func.count()).select_from(Ticket).where(*carried))).one()
    )
    stats.handled = stats.received + stats.carried_over

    outcome = await _grouped(session, Ticket.status, [*in_scope, *closed_by])
    stats.answered_by_outcome = {s.value: outcome.get(s.value, 0) for s in ANSWERED}
    stats.answered = sum(stats.answered_by_outcome.values())
    stats.merged = outcome.get(TicketStatus.MERGED.value, 0)
    stats.withdrawn = outcome.get(TicketStatus.WITHDRAWN.value, 0)

    # timeliness: the local date of the answer against its deadline's date
    rows = (
        await session.exec(
            select(
                Ticket.status, Ticket.closed_at, Ticket.resolve_due_at, Ticket.forward_due_at
            ).where(*in_scope, *closed_by, col(Ticket.status).in_([s.value for s in ANSWERED]))
        )
    ).all()
    for status, closed_at, due, forward_due in rows:
        assert closed_at is not None  # selected for it
        deadline = forward_due if status == TicketStatus.FORWARDED else due
        answered_day, due_day = closed_at.astimezone(tz).date(), deadline.astimezone(tz).date()
        if answered_day < due_day:
            stats.early += 1
        elif answered_day == due_day:
            stats.on_time += 1
        else:
            stats.late += 1

    open_at = [*in_scope, or_(col(Ticket.closed_at).is_(None), col(Ticket.closed_at) > moment)]
    stats.pending_overdue = int(
        (
            await session.exec(
                select(func.count())
                .select_from(Ticket)
                .where(*open_at, col(Ticket.resolve_due_at) < moment)
            )
        ).one()
    )
    stats.pending_not_due = int(
        (
            await session.exec(
                select(func.count())
                .select_from(Ticket)
                .where(*open_at, col(Ticket.resolve_due_at) >= moment)
            )
        ).one()
    )
    stats.on_time_rate = percent(
        stats.early + stats.on_time, stats.answered + stats.pending_overdue
    )

    stats.acknowledged_in_time = int(
        (
            await session.exec(
                select(func.count())
                .select_from(Ticket)
                .where(
                    *received,
                    col(Ticket.acknowledged_at).is_not(None),
                    col(Ticket.acknowledged_at) <= col(Ticket.ack_due_at),
                    col(Ticket.acknowledged_at) <= moment,
                )
            )
        ).one()
    )
    stats.acknowledged_in_time_share = percent(stats.acknowledged_in_time, stats.received)

    await _durations(session, policy, stats, in_scope, closed_by, moment)

    ratings = await _grouped(
        session, Ticket.rating, [*in_scope, *closed_by, col(Ticket.rated_at) <= moment]
    )
    stats.ratings = ratings
    stats.rated = sum(ratings.values())
    stats.satisfied_share = percent(
        ratings.get("very_satisfied", 0) + ratings.get("satisfied", 0), stats.rated
    )

    stats.participants = int(
        (
            await session.exec(
                select(func.count(func.distinct(Ticket.resident_id))).where(
                    *received, col(Ticket.resident_id).is_not(None)
                )
            )
        ).one()
    )
    population = households = 0
    for commune_id in commune_ids:
        row = await population_for_year(session, commune_id, period.end.year)
        population += (row.population or 0) if row else 0
        households += (row.households or 0) if row else 0
    stats.population = population or None
    stats.households = households or None
    stats.participation_share = percent(stats.participants, population)
    return stats
