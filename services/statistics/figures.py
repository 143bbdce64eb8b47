"""The numbers the reports show, computed in SQL from the data (DOMAIN.md, Timeliness).

Counts are a few GROUP BY passes over the report's tickets (services/statistics/counts.py,
on the scope of services/statistics/sql.py); durations in working days come from the counts
of distinct pairs of local dates (services/statistics/durations.py). The passes run side by
side on connections that see the same data (services/statistics/readers.py). No ticket is
loaded into Python. Percentages are exact fractions here; the reports round them half up to one
decimal."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CommunePopulation, TicketStatus
from models.enums import ANSWER_EVENTS
from services.calendar.deadlines import DeadlinePolicy
from services.statistics import counts as counts
from services.statistics import durations as durations
from services.statistics import readers as readers
from services.statistics.sql import ANSWERED, Scope, as_date

__all__ = ["ANSWERED", "ANSWER_EVENTS", "Period", "Statistics", "compute", "percent"]


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
    answered_by_month: dict[str, int] = field(default_factory=dict)  # of the answer
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
    population_year: int | None = None  # the year of those figures (not always the period's)
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


def scope_for(
    session: AsyncSession,
    commune_ids: Sequence[int],
    period: "Period",
    tz: ZoneInfo,
    moment: datetime,
    channels: str,
) -> Scope:
    start, end = period.bounds(tz)
    offset = start.utcoffset() or timedelta(0)  # Vietnam keeps one offset all year
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return Scope(tuple(commune_ids), channels, start, end, moment, offset, dialect)


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


async def _durations(
    session: AsyncSession, policy: DeadlinePolicy, scope: Scope
) -> tuple[list[readers.Pass], Callable[[Statistics], None]]:
    """Working days from receipt to the first answer, and to closing, each commune counted
    with its own calendar: a pass for each calendar, and what sums them up."""
    groups = await durations.by_calendar(session, policy, scope.commune_ids)
    found = [durations.Days() for _ in groups]

    def pass_for(commune_ids: list[int], out: durations.Days) -> readers.Pass:
        async def count(reader: AsyncSession) -> None:
            out.update(await durations.date_pairs(reader, scope.of(commune_ids)))

        return count

    def finish(stats: Statistics) -> None:
        to_answer: Counter[int] = Counter()
        to_close: Counter[int] = Counter()
        months: Counter[str] = Counter()
        for (calendar, _ids), days in zip(groups, found, strict=True):
            working = durations.WorkingDays(calendar, [*days.to_answer, *days.to_close])
            to_answer.update(working.of(days.to_answer))
            to_close.update(working.of(days.to_close))
            for day, count in days.answered_on.items():
                months[as_date(day).strftime("%Y-%m")] += count
        stats.days_to_first_answer_avg = durations.average(to_answer)
        stats.days_to_first_answer_median = durations.median(to_answer)
        stats.days_to_close_avg = durations.average(to_close)
        stats.days_to_close_median = durations.median(to_close)
        stats.answered_by_month = _sorted(months)

    # the calendar shared by the most communes first: its pass is the longest
    order = sorted(range(len(groups)), key=lambda i: -len(groups[i][1]))
    return [pass_for(groups[i][1], found[i]) for i in order], finish


async def _population(
    session: AsyncSession, commune_ids: Sequence[int], year: int, stats: Statistics
) -> None:
    """Each commune's figures for the year, else the latest earlier ones, else the earliest
    later ones (a population entered for this year serves last year's report);
    `population_year` says which year, the farthest from the report's when communes differ.
    No share when a commune has no figure in any year: a part of the population would
    make it too high."""
    rows = await session.exec(
        select(CommunePopulation)
        .where(col(CommunePopulation.commune_id).in_(list(commune_ids)))
        .order_by(col(CommunePopulation.commune_id), col(CommunePopulation.year))
    )
    nearest: dict[int, CommunePopulation] = {}
    for row in rows:
        if row.population is None and row.households is None:
            continue
        kept = nearest.get(row.commune_id)
        if kept is None or row.year <= year:  # by year: the latest up to it, else the first
            nearest[row.commune_id] = row
    population = sum(row.population or 0 for row in nearest.values())
    households = sum(row.households or 0 for row in nearest.values())
    complete = len(nearest) == len(set(commune_ids)) and all(
        row.population for row in nearest.values()
    )
    stats.population = population or None
    stats.households = households or None
    if nearest:
        stats.population_year = max(
            (row.year for row in nearest.values()), key=lambda y: (abs(y - year), y)
        )
    stats.participation_share = percent(stats.participants, population) if complete else None


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
    _start, end = period.bounds(tz)
    moment = min(as_of or now, end)
    stats = Statistics(list(commune_ids), period.start, period.end, moment, channels)
    scope = scope_for(session, commune_ids, period, tz, moment, channels)
    received, handled = counts.Received(), counts.Handled()
    async with readers.readers_for(session) as sessions:
        duration_passes, finish_durations = await _durations(session, policy, scope)
        await readers.run(
            sessions,
            [  # the costliest first
                partial(counts.handled, scope=scope, out=handled),
                *duration_passes[:1],
                partial(counts.by_day, scope=scope, out=received),
                partial(counts.by_place, scope=scope, out=received),
                partial(counts.participants, scope=scope, out=received),
                *duration_passes[1:],
            ],
        )
    stats.received_by_channel = _sorted(received.by_channel)
    stats.received_by_kind = _sorted(received.by_kind)
    stats.received_by_category = _sorted(received.by_category)
    stats.received_by_village = _sorted(received.by_village)
    months: Counter[str] = Counter()
    for local_day, count in received.by_day.items():
        months[as_date(local_day).strftime("%Y-%m")] += count
    stats.received_by_month = _sorted(months)
    stats.participants = received.participants

    stats.received, stats.carried_over = handled.received, handled.carried_over
    stats.handled = handled.received + handled.carried_over
    stats.answered_by_outcome = {s.value: handled.closed[s.value] for s in ANSWERED}
    stats.answered = sum(stats.answered_by_outcome.values())
    stats.early, stats.on_time, stats.late = handled.early, handled.on_time, handled.late
    stats.merged = handled.closed[TicketStatus.MERGED.value]
    stats.withdrawn = handled.closed[TicketStatus.WITHDRAWN.value]
    stats.pending_not_due = handled.pending_not_due
    stats.pending_overdue = handled.pending_overdue
    stats.acknowledged_in_time = handled.acknowledged_in_time
    stats.ratings = _sorted(handled.ratings)
    stats.rated = sum(handled.ratings.values())
    stats.on_time_rate = percent(
        stats.early + stats.on_time, stats.answered + stats.pending_overdue
    )
    stats.acknowledged_in_time_share = percent(stats.acknowledged_in_time, stats.received)
    stats.satisfied_share = percent(
        stats.ratings.get("very_satisfied", 0) + stats.ratings.get("satisfied", 0), stats.rated
    )
    finish_durations(stats)
    await _population(session, commune_ids, period.end.year, stats)
    return stats
