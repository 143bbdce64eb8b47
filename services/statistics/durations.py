"""Working days from receipt to the first answer, and to closing.

The database groups the handled cases by (local date of receipt, local date of the first
answer, local date of closing) and counts them; each distinct pair of dates becomes working
days once, with the calendar of the communes it came from, and the mean and the median are
weighted by the counts. Communes that keep the same calendar are counted together."""

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from typing import Any

from sqlalchemy import case
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Ticket
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.statistics.sql import ANSWERED, Packing, Scope, as_date, count_by, flag

Pairs = Counter[tuple[int, int]]  # (day, day) as Scope.local_day numbers → cases
# (day of receipt; day of the first answer; day of closing + 1 or 0, twice, plus 1 for an
# answer) in one grouping key: SQLite sorts one integer faster than three. Days after 1970
# and before the year 4840 fit.
DAYS = Packing(closed=22, first=21)


@dataclass
class Days:
    """What the durations pass finds: the pairs of days, and the answers by day."""

    to_answer: Pairs = field(default_factory=Counter)
    to_close: Pairs = field(default_factory=Counter)
    answered_on: Counter[int] = field(default_factory=Counter)  # answers closing a case

    def update(self, other: "Days") -> None:
        self.to_answer.update(other.to_answer)
        self.to_close.update(other.to_close)
        self.answered_on.update(other.answered_on)


async def date_pairs(session: AsyncSession, scope: Scope) -> Days:
    """(receipt, first answer) and (receipt, closing) pairs of local dates with their
    counts, for the handled cases answered by the as-of moment; closing only when that
    falls in the period, by the moment; and the local days on which cases were closed by an
    answer (resolved, forwarded, refused) in the period (such a case has its first answer
    by then, so it is among these).

    Ticket.first_answered_at is the earliest of all a case's answers (services/
    ticket_cache.py), so its first answer by the moment is that one when it came at or
    before the moment, and there is none otherwise: the index ix_ticket_report holds all
    this pass reads. (The days are BIGINT, as their *_us columns: times 2**21 and more,
    they would overflow PostgreSQL's integer.)"""
    first = col(Ticket.first_answered_us)
    by_answer = flag(col(Ticket.status).in_([s.value for s in ANSWERED]))
    closing = (scope.local_day(Ticket.closed_us) + 1) * 2 + by_answer
    closed = case((scope.closed_by(), closing), else_=0)
    received, answered_on = (scope.local_day(c) for c in (Ticket.received_us, first))
    days = DAYS.pack(received, first=answered_on, closed=closed)
    answered = [*scope.handled(), first <= scope.moment_us]  # NULL: never answered
    # DAYS.split and unpack inlined, and the pairs kept packed (day << 21 | day) until the
    # end: tens of thousands of rows, where a tuple key per row cost a third of a second
    closing_bits, top = DAYS.fields["first"][0], DAYS.top
    day_bits = top - closing_bits  # the first answer's field, as wide as any day
    answer_packed: Counter[int] = Counter()
    close_packed: Counter[int] = Counter()
    found = Days()
    for packed, count in await count_by(session, [days], answered):
        answer_packed[packed >> closing_bits] += count  # receipt << 21 | first answer
        closing = packed & ((1 << closing_bits) - 1)
        if closing:  # closed in the period
            day = (closing >> 1) - 1
            close_packed[(packed >> top << day_bits) + day] += count
            if closing & 1:
                found.answered_on[day] += count
    found.to_answer = _pairs(answer_packed, day_bits)
    found.to_close = _pairs(close_packed, day_bits)
    return found


def _pairs(packed: Counter[int], shift: int) -> Pairs:
    mask = (1 << shift) - 1
    return Counter({(key >> shift, key & mask): count for key, count in packed.items()})


async def by_calendar(
    session: AsyncSession, policy: DeadlinePolicy, commune_ids: Sequence[int]
) -> list[tuple[WorkingCalendar, list[int]]]:
    """The communes grouped by identical working calendars."""
    groups: dict[Any, tuple[WorkingCalendar, list[int]]] = {}
    for commune_id, calendar in (await policy.calendars_for(session, commune_ids)).items():
        same = (calendar.work_week, frozenset(calendar.days_off), frozenset(calendar.make_up_days))
        groups.setdefault(same, (calendar, []))[1].append(commune_id)
    return list(groups.values())


class WorkingDays:
    """WorkingCalendar.working_days_between for many pairs of days: a running count of
    working days over the span of the pairs' days, then two look-ups a pair."""

    def __init__(self, calendar: WorkingCalendar, pairs: Iterable[tuple[int, int]]) -> None:
        days = [day for pair in pairs for day in pair]
        self.first = min(days, default=0)
        start = as_date(self.first)
        span = range(max(days, default=-1) - self.first + 1)
        marks = (calendar.is_working_day(start + timedelta(days=i)) for i in span)
        self.running = list(accumulate(marks, initial=0))  # running[i + 1]: up to day i

    def of(self, pairs: Pairs) -> Counter[int]:
        out: Counter[int] = Counter()
        first, running = self.first, self.running
        for (received, end), count in pairs.items():
            out[
                running[end - first + 1] - running[received - first + 1] if end > received else 0
            ] += count
        return out


def average(values: Counter[int]) -> Decimal | None:
    """The mean, one decimal, rounded half up."""
    count = sum(values.values())
    if not count:
        return None
    total = sum(value * n for value, n in values.items())
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def median(values: Counter[int]) -> Decimal | None:
    """statistics.median of the multiset (the mean of the two middle values when their
    number is even), as one decimal."""
    count = sum(values.values())
    if not count:
        return None
    ordered = sorted(values)
    running = list(accumulate(values[v] for v in ordered))

    def nth(index: int) -> int:  # the value at this position of the sorted multiset
        return ordered[bisect_right(running, index)]

    middle: int | float = (
        nth(count // 2) if count % 2 else (nth(count // 2 - 1) + nth(count // 2)) / 2
    )
    return Decimal(str(middle)).quantize(Decimal("0.1"))
