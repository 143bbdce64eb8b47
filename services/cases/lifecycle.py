"""Staff and resident actions on a ticket. Each one checks who may do it, applies the state
change only if nobody changed the ticket first, appends its event and queues the messages
that announce it — in one transaction."""

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    AuditEntry,
    Channel,
    EventKind,
    Notification,
    NotificationKind,
    RecipientKind,
    Resident,
    Role,
    Staff,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from models.enums import ANSWER_EVENTS
from services.cases import ticket_cache
from services.errors import Conflict, InvalidInput, NotAuthorized, TransitionRefused
from services.text import nfc

OPEN = frozenset({TicketStatus.NEW, TicketStatus.ACKNOWLEDGED})
ALL_STAFF = frozenset({Role.OFFICER, Role.LEADER, Role.ADMIN})
LEADERS = frozenset({Role.LEADER, Role.ADMIN})

# action → (states it may start from, state it leads to); the DOMAIN.md diagram
TRANSITIONS: dict[EventKind, tuple[frozenset[TicketStatus], TicketStatus]] = {
    EventKind.ACKNOWLEDGED: (frozenset({TicketStatus.NEW}), TicketStatus.ACKNOWLEDGED),
    EventKind.RESOLVED: (OPEN, TicketStatus.RESOLVED),
    EventKind.FORWARDED: (OPEN, TicketStatus.FORWARDED),
    EventKind.REJECTED: (OPEN, TicketStatus.REJECTED),
    EventKind.MERGED: (OPEN, TicketStatus.MERGED),
    EventKind.WITHDRAWN: (OPEN, TicketStatus.WITHDRAWN),
    EventKind.REOPENED: (frozenset({TicketStatus.RESOLVED}), TicketStatus.ACKNOWLEDGED),
}
# actions that are events only: they need an open ticket, and change no state
OPEN_ONLY = frozenset({EventKind.ASSIGNED, EventKind.REPLIED, EventKind.EXTENDED})
CLOSED_KINDS = frozenset(
    {
        TicketStatus.RESOLVED,
        TicketStatus.FORWARDED,
        TicketStatus.REJECTED,
        TicketStatus.MERGED,
        TicketStatus.WITHDRAWN,
    }
)


def require_staff(
    session: AsyncSession, staff: Staff | None, ticket: Ticket, roles: Collection[Role], action: str
) -> Staff:
    """The staff member may act on this ticket: same commune, active, right role. A refusal
    is recorded (the caller commits it) and raised."""
    if (
        staff is None
        or not staff.active
        or staff.commune_id != ticket.commune_id
        or staff.role not in roles
    ):
        session.add(
            AuditEntry(
                commune_id=ticket.commune_id,
                staff_id=staff.id if staff else None,
                actor_telegram_id=staff.telegram_id if staff else None,
                action=action,
                allowed=False,
                detail=ticket.code,
            )
        )
        raise NotAuthorized(action)
    return staff


def check_allowed(ticket: Ticket, kind: EventKind) -> None:
    if kind in TRANSITIONS and ticket.status not in TRANSITIONS[kind][0]:
        raise TransitionRefused(ticket.code, ticket.status.value, kind.value)
    if kind in OPEN_ONLY and ticket.status not in OPEN:
        raise TransitionRefused(ticket.code, ticket.status.value, kind.value)


async def _move(session: AsyncSession, ticket: Ticket, kind: EventKind, at: datetime) -> None:
    """Compare-and-set on the status: of two people acting at once, exactly one wins."""
    target = TRANSITIONS[kind][1]
    values: dict[str, Any] = {"status": target}
    if target in CLOSED_KINDS:
        values["closed_at"] = at
    if kind is EventKind.REOPENED:
        values["closed_at"] = None
    if kind is EventKind.ACKNOWLEDGED or (
        ticket.acknowledged_at is None and target != TicketStatus.WITHDRAWN
    ):
        values["acknowledged_at"] = ticket.acknowledged_at or at
    result = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.status) == ticket.status)
        .values(**values)
    )
    if result.rowcount != 1:
        raise Conflict(ticket.code)
    for name, value in values.items():
        setattr(ticket, name, value)


def record(
    session: AsyncSession,
    ticket: Ticket,
    kind: EventKind,
    at: datetime,
    *,
    staff: Staff | None = None,
    resident: Resident | None = None,
    text: str | None = None,
    data: dict[str, Any] | None = None,
    from_status: TicketStatus | None = None,
) -> TicketEvent:
    assert ticket.id is not None
    event = TicketEvent(
        ticket_id=ticket.id,
        at=at,
        kind=kind,
        actor_type=ActorType.STAFF
        if staff
        else ActorType.RESIDENT
        if resident
        else ActorType.SYSTEM,
        actor_staff_id=staff.id if staff else None,
        actor_resident_id=resident.id if resident else None,
        from_status=from_status,
        to_status=ticket.status if from_status is not None else None,
        text=text,
        data=data or {},
    )
    session.add(event)
    return event


CHAT_CHANNELS = frozenset({Channel.TELEGRAM})  # a resident who filed there is answered there


def news_channel(ticket: Ticket, recipient: RecipientKind) -> Channel:
    """Who carries a message: staff hear on Telegram; a resident hears where they filed, and
    one with no chat (the web, or a citizen staff logged) by the web's news courier: the
    case page, Web Push, SMS."""
    if recipient is not RecipientKind.RESIDENT or ticket.channel in CHAT_CHANNELS:
        return Channel.TELEGRAM
    return Channel.WEB


def notify(
    session: AsyncSession,
    ticket: Ticket,
    kind: NotificationKind,
    recipient: RecipientKind,
    at: datetime,
    *,
    recipient_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    session.add(
        Notification(
            kind=kind,
            commune_id=ticket.commune_id,
            ticket_id=ticket.id,
            recipient_kind=recipient,
            recipient_id=recipient_id,
            channel=news_channel(ticket, recipient),
            payload=payload or {},
            next_attempt_at=at,
            created_at=at,
        )
    )


async def apply(
    session: AsyncSession,
    ticket: Ticket,
    kind: EventKind,
    at: datetime,
    *,
    staff: Staff | None = None,
    resident: Resident | None = None,
    text: str | None = None,
    data: dict[str, Any] | None = None,
    tell_resident: bool = True,
    now: datetime,
) -> TicketEvent:
    """The common path of every action: check, move, record, announce (not committed)."""
    check_allowed(ticket, kind)
    before = ticket.status
    if kind in (EventKind.RESOLVED, EventKind.REPLIED) and before is TicketStatus.NEW:
        await _move(session, ticket, EventKind.ACKNOWLEDGED, at)  # answering accepts it
        record(
            session,
            ticket,
            EventKind.ACKNOWLEDGED,
            at,
            staff=staff,
            from_status=before,
            data={"implicit": True},
        )
        before = ticket.status
    if kind in TRANSITIONS:
        await _move(session, ticket, kind, at)
    if kind in ANSWER_EVENTS:
        await ticket_cache.answered(session, ticket, at)
    event = record(
        session,
        ticket,
        kind,
        at,
        staff=staff,
        resident=resident,
        text=text,
        data=data,
        from_status=before if kind in TRANSITIONS else None,
    )
    await session.flush()
    if tell_resident and ticket.resident_id is not None:
        notify(
            session,
            ticket,
            NotificationKind.TICKET_UPDATE,
            RecipientKind.RESIDENT,
            now,
            recipient_id=ticket.resident_id,
            payload={"event_id": event.id},
        )
    notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
    return event


async def duplicates_of(session: AsyncSession, ticket: Ticket) -> Sequence[Ticket]:
    return (await session.exec(select(Ticket).where(Ticket.merged_into_id == ticket.id))).all()


MAX_TEXT = 8000  # what staff or a resident write on a case, per event


def clean_text(text: str | None, *, required: bool = True) -> str | None:
    cleaned = nfc((text or "").strip())
    if required and not cleaned:
        raise InvalidInput("text_required")
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput("text_too_long")
    return cleaned or None
