"""The counts of the statistics: a few grouped passes over the report's tickets, each
grouping by one integer that packs the small codes it needs (see Packing)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Channel, Kind, Rating, Ticket, TicketStatus, Village
from services.statistics_sql import (
    ANSWERED,
    Packing,
    Scope,
    code,
    count_by,
    due_in_force,
    flag,
)

CHANNELS = [c.value for c in Channel]
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in TicketStatus]
RATINGS = [r.value for r in Rating]
_ID_SPAN = 2**32  # ids are 32-bit integers: (a, b) packs into a * _ID_SPAN + b
RECEIVED = Packing(kind=4, channel=4)  # below the local date of receipt
HANDLED = Packing(received=1, closed=1, status=3, still_open=2, rating=3, in_time=1)


@dataclass
class Received:
    """The cases received in the period."""

    by_channel: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    by_day: Counter[int] = field(default_factory=Counter)  # Scope.local_day numbers
    by_category: Counter[str] = field(default_factory=Counter)
    by_village: Counter[str] = field(default_factory=Counter)
    participants: int = 0


@dataclass
class Handled:
    """The cases handled in the period: received in it, or carried over into it."""

    received: int = 0
    carried_over: int = 0
    closed: Counter[str] = field(default_factory=Counter)  # by status, closed in the period
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending_not_due: int = 0
    pending_overdue: int = 0
    acknowledged_in_time: int = 0
    ratings: Counter[str] = field(default_factory=Counter)


async def received(session: AsyncSession, scope: Scope) -> Received:
    out = Received()
    key = RECEIVED.pack(
        scope.local_day(Ticket.received_at),
        kind=code(Ticket.kind, KINDS),
        channel=code(Ticket.channel, CHANNELS),
    )
    by_codes: Counter[int] = Counter()
    for packed, count in await count_by(session, [key], scope.received()):
        local_day, codes = RECEIVED.split(packed)
        out.by_day[local_day] += count
        by_codes[codes] += count
    for codes, count in by_codes.items():
        channel_and_kind = RECEIVED.unpack(codes)
        out.by_channel[CHANNELS[channel_and_kind["channel"]]] += count
        out.by_kind[KINDS[channel_and_kind["kind"]]] += count

    category = cast(func.coalesce(Ticket.category_id, 0), BigInteger)
    place = category * _ID_SPAN + func.coalesce(Ticket.village_id, 0)
    places = await count_by(session, [place], scope.received())
    pairs = [(*divmod(packed, _ID_SPAN), count) for packed, count in places]
    categories = await _names(session, Category, {c for c, _, _ in pairs if c})
    villages = await _names(session, Village, {v for _, v, _ in pairs if v})
    for category_id, village_id, count in pairs:
        if category_id in categories:
            out.by_category[categories[category_id]] += count
        if village_id in villages:
            out.by_village[villages[village_id]] += count

    residents = func.count(func.distinct(Ticket.resident_id))
    out.participants = int((await session.exec(select(residents).where(*scope.received()))).one())
    return out


async def _names(session: AsyncSession, table: Any, ids: set[int]) -> dict[int, str]:
    rows = await session.exec(select(table.id, table.name).where(col(table.id).in_(ids)))
    return dict(rows.all())


async def handled(session: AsyncSession, scope: Scope) -> Handled:
    """One pass: received or carried over; how the cases closed in the period ended, and
    when against their deadline; the open ones at the as-of moment; acknowledgements in
    time; ratings."""
    moment = scope.moment
    closed_by = scope.closed_by()
    answered = and_(closed_by, col(Ticket.status).in_(ANSWERED))
    still_open = or_(col(Ticket.closed_at).is_(None), col(Ticket.closed_at) > moment)
    rated = and_(closed_by, col(Ticket.rated_at) <= moment)
    in_time = and_(
        scope.is_received(),
        col(Ticket.acknowledged_at).is_not(None),
        col(Ticket.acknowledged_at) <= col(Ticket.ack_due_at),
        col(Ticket.acknowledged_at) <= moment,
    )
    key = HANDLED.pack(
        received=flag(scope.is_received()),
        closed=flag(closed_by),
        status=code(Ticket.status, STATUSES),
        still_open=case((still_open, 1 + flag(col(Ticket.resolve_due_at) < moment)), else_=0),
        rating=case((rated, 1 + code(Ticket.rating, RATINGS)), else_=0),
        in_time=flag(in_time),
    )
    # the local date of the answer minus its deadline's: < 0 early, 0 on time, > 0 late
    lateness = case((answered, scope.local_day(Ticket.closed_at) - scope.local_day(due_in_force())))
    out = Handled()
    for packed, late_by, count in await count_by(session, [key, lateness], scope.handled()):
        codes = HANDLED.unpack(packed)
        if codes["received"]:
            out.received += count
        else:
            out.carried_over += count
        if codes["closed"] and codes["status"] < len(STATUSES):
            out.closed[STATUSES[codes["status"]]] += count
        if late_by is not None:
            if late_by < 0:
                out.early += count
            elif late_by == 0:
                out.on_time += count
            else:
                out.late += count
        if codes["still_open"] == 1:
            out.pending_not_due += count
        elif codes["still_open"] == 2:
            out.pending_overdue += count
        if 0 < codes["rating"] <= len(RATINGS):
            out.ratings[RATINGS[codes["rating"] - 1]] += count
        if codes["in_time"]:
            out.acknowledged_in_time += count
    return out
