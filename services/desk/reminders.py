"""The scheduled chasing, as functions of "now": each queues what is due and records it, so
running one twice, or late after a restart, sends everything exactly once."""

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Commune,
    JobMark,
    Notification,
    NotificationKind,
    RecipientKind,
    Role,
    Staff,
    Ticket,
    TicketStatus,
)
from models.enums import OPEN_STATUSES
from services.calendar.deadlines import DeadlinePolicy, end_of_local_day
from services.calendar.working_days import WorkingCalendar

WORKING_HOURS = (time(7, 0), time(20, 0))  # reminders are not sent at night
DIGEST_AT = time(7, 30)
ESCALATION_AT = time(8, 0)
# Reminders commit every so many open cases: on SQLite a commit releases the write lock, so
# residents' messages are not kept waiting while a province's backlog is gone through (the
# first run over 100,000 cases held it ~14 s). What was committed is not sent again.
BATCH = 200


async def mark_once(session: AsyncSession, job: str, key: str, now: datetime) -> bool:
    """True the first time (job, key) is seen; the row commits with what the job queued."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = JobMark.__table__  # type: ignore[attr-defined]
    result = await session.exec(
        insert(table)
        .values(job=job, key=key, done_at=now)
        .on_conflict_do_nothing()
        .returning(table.c.id)  # a row back only if inserted (rowcount is -1 on psycopg)
    )
    return result.first() is not None


def _notify(
    session: AsyncSession,
    commune_id: int,
    kind: NotificationKind,
    now: datetime,
    *,
    ticket_id: int | None = None,
    staff_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    session.add(
        Notification(
            kind=kind,
            commune_id=commune_id,
            ticket_id=ticket_id,
            recipient_kind=RecipientKind.STAFF if staff_id else RecipientKind.STAFF_GROUP,
            recipient_id=staff_id,
            payload=payload or {},
            next_attempt_at=now,
            created_at=now,
        )
    )


async def leaders(session: AsyncSession, commune_id: int) -> Sequence[Staff]:
    return (
        await session.exec(
            select(Staff).where(
                Staff.commune_id == commune_id,
                col(Staff.active).is_(True),
                col(Staff.role).in_([Role.LEADER, Role.ADMIN]),
            )
        )
    ).all()


async def _open_tickets(
    session: AsyncSession, *, commune_id: int | None = None, due_before: datetime | None = None
) -> Sequence[Any]:
    """The open cases as light rows (only what the reminders read): with a province's
    thousands of open cases, whole tickets with their texts held the job's session at tens
    of megabytes."""
    columns: list[Any] = [
        Ticket.id,
        Ticket.commune_id,
        Ticket.status,
        Ticket.assignee_id,
        Ticket.ack_due_at,
        Ticket.resolve_due_at,
    ]
    query = select(*columns).where(col(Ticket.status).in_(list(OPEN_STATUSES)))
    if commune_id is not None:
        query = query.where(Ticket.commune_id == commune_id)
    if due_before is not None:
        query = query.where(col(Ticket.resolve_due_at) <= due_before)
    return (await session.exec(query.order_by(col(Ticket.resolve_due_at), col(Ticket.id)))).all()


async def remind_deadlines(session: AsyncSession, policy: DeadlinePolicy, now: datetime) -> int:
    """Unacknowledged past the acknowledgement deadline: the group, then a working day later
    the leaders. Two working days before the answer is due, and on the morning it is due:
    the assigned officer (or the group)."""
    local = now.astimezone(policy.tz)
    calendars: dict[int, WorkingCalendar] = {}
    sent = 0
    if not (WORKING_HOURS[0] <= local.time() <= WORKING_HOURS[1]):
        return 0
    for number, ticket in enumerate(await _open_tickets(session), start=1):
        assert ticket.id is not None
        if number % BATCH == 0:
            await session.commit()
        if ticket.commune_id not in calendars:
            calendars[ticket.commune_id] = await policy.calendar_for(session, ticket.commune_id)
        calendar = calendars[ticket.commune_id]
        if not calendar.is_working_day(local.date()):
            continue
        if ticket.status is TicketStatus.NEW and ticket.ack_due_at < now:
            if await mark_once(session, "ack_overdue", f"{ticket.id}", now):
                _notify(
                    session,
                    ticket.commune_id,
                    NotificationKind.REMINDER,
                    now,
                    ticket_id=ticket.id,
                    payload={"reminder": "ack_overdue"},
                )
                sent += 1
            ack_day = policy.local_date(ticket.ack_due_at)
            leaders_after = end_of_local_day(calendar.add_working_days(ack_day, 1), policy.tz)
            if now > leaders_after and await mark_once(
                session, "ack_overdue_leaders", f"{ticket.id}", now
            ):
                for leader in await leaders(session, ticket.commune_id):
                    _notify(
                        session,
                        ticket.commune_id,
                        NotificationKind.REMINDER,
                        now,
                        ticket_id=ticket.id,
                        staff_id=leader.id,
                        payload={"reminder": "ack_overdue"},
                    )
                sent += 1
        due_day = policy.local_date(ticket.resolve_due_at)
        left = calendar.working_days_between(local.date(), due_day)
        which = (
            "due_today"
            if due_day == local.date()
            else "due_soon"
            if 0 < left <= 2 and local.date() < due_day
            else None
        )
        if which and await mark_once(session, which, f"{ticket.id}:{due_day.isoformat()}", now):
            _notify(
                session,
                ticket.commune_id,
                NotificationKind.REMINDER,
                now,
                ticket_id=ticket.id,
                staff_id=ticket.assignee_id,
                payload={"reminder": which, "days_left": left},
            )
            sent += 1
    await session.commit()
    return sent


async def _working_morning(
    session: AsyncSession, policy: DeadlinePolicy, commune: Commune, now: datetime, at: time
) -> bool:
    local = now.astimezone(policy.tz)
    calendar = await policy.calendar_for(session, commune.id)
    return local.time() >= at and calendar.is_working_day(local.date())


async def escalate_overdue(session: AsyncSession, policy: DeadlinePolicy, now: datetime) -> int:
    """Once a working day, the leaders get the list of what is late."""
    sent = 0
    for commune in (await session.exec(select(Commune))).all():
        assert commune.id is not None
        if not await _working_morning(session, policy, commune, now, ESCALATION_AT):
            continue
        late = await _open_tickets(session, commune_id=commune.id, due_before=now)
        if not late:
            continue
        today = now.astimezone(policy.tz).date().isoformat()
        if not await mark_once(session, "escalation", f"{commune.id}:{today}", now):
            continue
        for leader in await leaders(session, commune.id):
            _notify(
                session,
                commune.id,
                NotificationKind.ESCALATION,
                now,
                staff_id=leader.id,
                payload={"ticket_ids": [t.id for t in late]},
            )
        await session.commit()  # one commune at a time: short write locks
        sent += 1
    await session.commit()
    return sent


async def send_digests(session: AsyncSession, policy: DeadlinePolicy, now: datetime) -> int:
    """At 07:30 each working day: new, due today, overdue, unassigned — or nothing."""
    sent = 0
    local_day = now.astimezone(policy.tz).date()
    for commune in (await session.exec(select(Commune))).all():
        assert commune.id is not None
        if not await _working_morning(session, policy, commune, now, DIGEST_AT):
            continue
        mine = await _open_tickets(session, commune_id=commune.id)
        groups = {
            "new": [t.id for t in mine if t.status is TicketStatus.NEW],
            "due_today": [t.id for t in mine if policy.local_date(t.resolve_due_at) == local_day],
            "overdue": [t.id for t in mine if t.resolve_due_at < now],
            "unassigned": [t.id for t in mine if t.assignee_id is None],
        }
        if not any(groups.values()):
            continue  # nothing to say: say nothing
        if await mark_once(session, "digest", f"{commune.id}:{local_day.isoformat()}", now):
            _notify(session, commune.id, NotificationKind.DIGEST, now, payload=groups)
            await session.commit()  # one commune at a time: short write locks
            sent += 1
    await session.commit()
    return sent
