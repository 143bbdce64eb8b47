"""The counts of the statistics: a few grouped passes over the report's tickets, each
grouping by one integer that packs the small codes it needs (see Packing)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, func, or_
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Category, Channel, Kind, Rating, Ticket, TicketStatus, Village
from services.statistics.sql import ANSWERED, Packing, Scope, code, count_by, flag

CHANNELS = [c.value for c in Channel]
KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in TicketStatus]
RATINGS = [r.value for r in Rating]
_ID_SPAN = 2**32  # ids are 32-bit integers: (a, b) packs into a * _ID_SPAN + b
RECEIVED = Packing(kind=4, channel=4)  # below the local date of receipt
HANDLED = Packing(received=1, closed=1, status=3, still_open=2, rating=3, in_time=1, late=2)


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


async def by_day(session: AsyncSession, scope: Scope, out: Received) -> None:
    """The received cases by local day of receipt, channel and kind."""
    key = RECEIVED.pack(
        scope.local_day(Ticket.received_us),
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


async def by_place(session: AsyncSession, scope: Scope, out: Received) -> None:
    """The received cases by field and by village."""
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


async def participants(session: AsyncSession, scope: Scope, out: Received) -> None:
    residents = func.count(func.distinct(Ticket.resident_id))
    out.participants = int((await session.exec(select(residents).where(*scope.received()))).one())


async def _names(session: AsyncSession, table: Any, ids: set[int]) -> dict[int, str]:
    rows = await session.exec(select(table.id, table.name).where(col(table.id).in_(ids)))
    return dict(rows.all())


def _received_or_carried(scope: Scope) -> ColumnElement[int]:
    """Received in the period (acknowledged in time or not), or carried over."""
    in_time = and_(
        col(Ticket.acknowledged_us) <= col(Ticket.ack_due_us),  # NULL: not acknowledged
        col(Ticket.acknowledged_us) <= scope.moment_us,
    )
    received = HANDLED.pack(received=1) + HANDLED.pack(in_time=flag(in_time))
    return case((scope.is_received(), received), else_=0)


def _how_it_stands(scope: Scope) -> ColumnElement[int]:
    """Open at the as-of moment (due by then or not), or closed in the period: how, rated
    how, and for an answer, its local date against its deadline's (1 early, 2 on time,
    3 late). One CASE that reads each column once: the pass spends most of its time here."""
    moment, closed = scope.moment_us, col(Ticket.closed_us)
    still_open = HANDLED.pack(still_open=case((col(Ticket.resolve_due_us) < moment, 2), else_=1))
    answered = {s.value for s in ANSWERED}
    outcomes: dict[str, Any] = {}
    for i, status in enumerate(STATUSES):
        outcomes[status] = HANDLED.pack(closed=1, status=i)
        if status in answered:
            due = (
                Ticket.forward_due_us if status == TicketStatus.FORWARDED else Ticket.resolve_due_us
            )
            late_by = scope.local_day(closed) - scope.local_day(due)
            outcomes[status] += HANDLED.pack(late=2 + scope.sign(late_by))
    outcome = case(
        outcomes, value=Ticket.status, else_=HANDLED.pack(closed=1, status=len(STATUSES))
    )
    rated = case((col(Ticket.rated_us) <= moment, 1 + code(Ticket.rating, RATINGS)), else_=0)
    return case(
        (or_(closed.is_(None), closed > moment), still_open),
        (closed >= scope.start_us, outcome + HANDLED.pack(rating=rated)),
        else_=0,
    )


async def handled(session: AsyncSession, scope: Scope, out: Handled) -> None:
    """One pass: received or carried over; how the cases closed in the period ended, and
    when against their deadline; the open ones at the as-of moment; acknowledgements in
    time; ratings."""
    key = _received_or_carried(scope) + _how_it_stands(scope)
    for packed, count in await count_by(session, [key], scope.handled()):
        codes = HANDLED.unpack(packed)
        if codes["received"]:
            out.received += count
        else:
            out.carried_over += count
        if codes["closed"] and codes["status"] < len(STATUSES):
            out.closed[STATUSES[codes["status"]]] += count
        if codes["late"] == 1:
            out.early += count
        elif codes["late"] == 2:
            out.on_time += count
        elif codes["late"] == 3:
            out.late += count
        if codes["still_open"] == 1:
            out.pending_not_due += count
        elif codes["still_open"] == 2:
            out.pending_overdue += count
        if 0 < codes["rating"] <= len(RATINGS):
            out.ratings[RATINGS[codes["rating"] - 1]] += count
        if codes["in_time"]:
            out.acknowledged_in_time += count
