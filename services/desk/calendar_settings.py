"""Days off and make-up days the government announces, the commune's work week and its own
deadline rules. Adding a day off moves the deadlines of open tickets whose window holds it
(never earlier), each as an event."""

from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    CalendarDay,
    Category,
    Commune,
    DayKind,
    DayUnit,
    DeadlineRuleRow,
    EventKind,
    Kind,
    NotificationKind,
    RecipientKind,
    Ticket,
)
from models.enums import OPEN_STATUSES
from services.calendar.deadlines import MAX_ACK_WORKING_DAYS, DeadlinePolicy, end_of_local_day
from services.calendar.working_days import WorkingCalendar
from services.cases.lifecycle import notify, record
from services.errors import InvalidInput
from services.text import nfc


def _later_by_one(
    due: datetime,
    day: date,
    before: WorkingCalendar,
    after: WorkingCalendar,
    policy: DeadlinePolicy,
    received: date,
) -> datetime:
    """A working day taken out of [receipt, due] pushes the due date one working day on."""
    due_day = policy.local_date(due)
    if not (received < day <= due_day) or not before.is_working_day(day):
        return due
    return end_of_local_day(after.add_working_days(due_day, 1), policy.tz)


async def add_day(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune: Commune | None,
    day: date,
    kind: DayKind,
    note: str,
    *,
    now: datetime,
) -> list[Ticket]:
    """Records the day (for every commune when `commune` is None); for a day off, returns
    the open tickets whose deadlines moved."""
    text = nfc(note.strip())
    if not text:
        raise InvalidInput("text_required")
    commune_id = commune.id if commune else None
    existing = (
        await session.exec(
            select(CalendarDay).where(
                CalendarDay.day == day,
                col(CalendarDay.commune_id).is_(None)
                if commune_id is None
                else CalendarDay.commune_id == commune_id,
            )
        )
    ).first()
    scope = [commune] if commune else list((await session.exec(select(Commune))).all())
    before = {c.id: await policy.calendar_for(session, c.id) for c in scope}
    row = existing or CalendarDay(commune_id=commune_id, day=day, kind=kind, note=text)
    row.kind, row.note = kind, text
    session.add(row)
    session.add(
        AuditEntry(
            commune_id=commune_id,
            action=f"calendar_{kind.value}",
            allowed=True,
            detail=f"{day.isoformat()} {text}",
            at=now,
        )
    )
    await session.flush()
    moved: list[Ticket] = []
    if kind is DayKind.DAY_OFF:
        for each in scope:
            after = await policy.calendar_for(session, each.id)
            moved += await _push_open_tickets(
                session, policy, each, day, before[each.id], after, now
            )
    await session.commit()
    return moved


async def _push_open_tickets(
    session: AsyncSession,
    policy: DeadlinePolicy,
    commune: Commune,
    day: date,
    before: WorkingCalendar,
    after: WorkingCalendar,
    now: datetime,
) -> list[Ticket]:
    tickets = (
        await session.exec(
            select(Ticket).where(
                Ticket.commune_id == commune.id,
                col(Ticket.status).in_(list(OPEN_STATUSES)),
                col(Ticket.received_at) < end_of_local_day(day, policy.tz),
            )
        )
    ).all()
    moved = []
    for ticket in tickets:
        received = policy.local_date(ticket.received_at)
        changes = {}
        for field in ("ack_due_at", "resolve_due_at", "resolve_due_original_at", "forward_due_at"):
            old = getattr(ticket, field)
            new = _later_by_one(old, day, before, after, policy, received)
            if new != old:
                changes[field] = (old, new)
                setattr(ticket, field, new)
        if not changes:
            continue
        session.add(ticket)
        record(
            session,
            ticket,
            EventKind.DEADLINE_CHANGED,
            now,
            text=str(day),
            data={f: {"from": a.isoformat(), "to": b.isoformat()} for f, (a, b) in changes.items()},
        )
        notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
        moved.append(ticket)
    return moved


async def list_days(
    session: AsyncSession, commune: Commune | None, year: int
) -> Sequence[CalendarDay]:
    return (
        await session.exec(
            select(CalendarDay)
            .where(
                col(CalendarDay.day) >= date(year, 1, 1),
                col(CalendarDay.day) <= date(year, 12, 31),
                or_(
                    col(CalendarDay.commune_id).is_(None),
                    CalendarDay.commune_id == (commune.id if commune else None),
                ),
            )
            .order_by(col(CalendarDay.day))
        )
    ).all()


async def set_work_week(session: AsyncSession, commune: Commune, days: Sequence[int]) -> None:
    if not days or any(d not in range(7) for d in days):
        raise InvalidInput("work_week")
    commune.work_week = "".join(str(d) for d in sorted(set(days)))
    session.add(commune)
    await session.commit()


async def set_rule(
    session: AsyncSession,
    commune: Commune,
    *,
    name: str,
    legal_basis: str,
    resolve_days: int,
    ack_days: int,
    forward_days: int = 5,
    unit: DayUnit = DayUnit.WORKING,
    kind: Kind | None = None,
    category: Category | None = None,
) -> DeadlineRuleRow:
    """A commune's rule for a kind and/or a category (e.g. urgent: 1 working day)."""
    if not (0 < ack_days <= MAX_ACK_WORKING_DAYS) or resolve_days <= 0 or forward_days <= 0:
        raise InvalidInput("rule_days")
    if ack_days > resolve_days and unit is DayUnit.WORKING:
        raise InvalidInput("rule_days")
    assert commune.id is not None
    row = (
        await session.exec(
            select(DeadlineRuleRow).where(
                DeadlineRuleRow.commune_id == commune.id,
                DeadlineRuleRow.kind == kind if kind else col(DeadlineRuleRow.kind).is_(None),
                DeadlineRuleRow.category_id == category.id
                if category
                else col(DeadlineRuleRow.category_id).is_(None),
            )
        )
    ).first() or DeadlineRuleRow(
        commune_id=commune.id,
        kind=kind,
        category_id=category.id if category else None,
        name=name,
        legal_basis=legal_basis,
        ack_days=ack_days,
        resolve_days=resolve_days,
    )
    row.name, row.legal_basis = nfc(name.strip()), nfc(legal_basis.strip())
    row.ack_days, row.resolve_days, row.forward_days, row.unit = (
        ack_days,
        resolve_days,
        forward_days,
        unit,
    )
    session.add(row)
    await session.commit()
    return row
