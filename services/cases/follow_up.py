"""What a resident does with their own ticket after filing it: add information, withdraw,
rate the answer, reopen an answer they are not satisfied with."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Channel,
    EventKind,
    NotificationKind,
    Rating,
    RecipientKind,
    Resident,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.cases.lifecycle import OPEN, apply, clean_text, notify, record
from services.cases.tickets import AttachmentDraft, attach_files
from services.errors import Conflict, NotAuthorized, TransitionRefused

REOPEN_WINDOW = timedelta(days=7)
RATEABLE = frozenset({TicketStatus.RESOLVED, TicketStatus.FORWARDED, TicketStatus.REJECTED})


def _own(ticket: Ticket, resident: Resident) -> None:
    if ticket.resident_id is None or ticket.resident_id != resident.id:
        raise NotAuthorized("not_own_ticket")


def _tell_staff(session: AsyncSession, ticket: Ticket, event: TicketEvent, now: datetime) -> None:
    notify(
        session,
        ticket,
        NotificationKind.STAFF_NEWS,
        RecipientKind.STAFF_GROUP,
        now,
        payload={"event_id": event.id},
    )
    if ticket.assignee_id is not None:
        notify(
            session,
            ticket,
            NotificationKind.STAFF_NEWS,
            RecipientKind.STAFF,
            now,
            recipient_id=ticket.assignee_id,
            payload={"event_id": event.id},
        )


async def add_info(
    session: AsyncSession,
    ticket: Ticket,
    resident: Resident,
    text: str | None,
    *,
    at: datetime,
    now: datetime,
    files: Sequence[AttachmentDraft] = (),
    channel: Channel = Channel.TELEGRAM,
) -> TicketEvent:
    """Bổ sung: more words or photos for an open ticket; they reach the staff."""
    _own(ticket, resident)
    if ticket.status not in OPEN:
        raise TransitionRefused(ticket.code, ticket.status.value, EventKind.INFO_ADDED.value)
    event = record(
        session,
        ticket,
        EventKind.INFO_ADDED,
        at,
        resident=resident,
        text=clean_text(text, required=not files),
    )
    await session.flush()
    attach_files(session, ticket, event, files, channel)
    _tell_staff(session, ticket, event, now)
    await session.commit()
    return event


async def withdraw(
    session: AsyncSession, ticket: Ticket, resident: Resident, *, at: datetime, now: datetime
) -> TicketEvent:
    _own(ticket, resident)
    event = await apply(
        session, ticket, EventKind.WITHDRAWN, at, resident=resident, tell_resident=False, now=now
    )
    _tell_staff(session, ticket, event, now)
    await session.commit()
    return event


async def rate(
    session: AsyncSession,
    ticket: Ticket,
    resident: Resident,
    level: Rating,
    *,
    at: datetime,
    comment: str | None = None,
) -> TicketEvent:
    _own(ticket, resident)
    if ticket.status not in RATEABLE:
        raise TransitionRefused(ticket.code, ticket.status.value, EventKind.RATED.value)
    result = await session.exec(
        update(Ticket).where(col(Ticket.id) == ticket.id).values(rating=level, rated_at=at)
    )
    if result.rowcount != 1:
        raise Conflict(ticket.code)
    ticket.rating, ticket.rated_at = level, at
    event = record(
        session,
        ticket,
        EventKind.RATED,
        at,
        resident=resident,
        text=clean_text(comment, required=False),
        data={"rating": level.value},
    )
    await session.commit()
    return event


def can_reopen(ticket: Ticket, now: datetime) -> bool:
    return (
        ticket.status is TicketStatus.RESOLVED
        and ticket.closed_at is not None
        and now - ticket.closed_at <= REOPEN_WINDOW
    )


async def reopen(
    session: AsyncSession,
    ticket: Ticket,
    resident: Resident,
    reason: str,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Within 7 calendar days of the answer, a dissatisfied resident sends it back."""
    _own(ticket, resident)
    if not can_reopen(ticket, at):
        raise TransitionRefused(ticket.code, ticket.status.value, EventKind.REOPENED.value)
    event = await apply(
        session,
        ticket,
        EventKind.REOPENED,
        at,
        resident=resident,
        text=clean_text(reason),
        tell_resident=False,
        now=now,
    )
    _tell_staff(session, ticket, event, now)
    await session.commit()
    return event


async def comment(
    session: AsyncSession,
    ticket: Ticket,
    resident: Resident,
    text: str,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Words about the answer, after rating it; the staff read them."""
    _own(ticket, resident)
    if ticket.rating is None:
        raise TransitionRefused(ticket.code, ticket.status.value, EventKind.COMMENTED.value)
    event = record(
        session,
        ticket,
        EventKind.COMMENTED,
        at,
        resident=resident,
        text=clean_text(text),
        data={"rating": ticket.rating.value},
    )
    await session.flush()
    _tell_staff(session, ticket, event, now)
    await session.commit()
    return event
