"""Read models: everything a channel needs to show a ticket, loaded in a few queries."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as select_entities
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    Attachment,
    Category,
    Channel,
    Commune,
    EventKind,
    Kind,
    Resident,
    Staff,
    Ticket,
    TicketEvent,
    TicketStatus,
    Village,
)
from services.errors import TicketNotFound


@dataclass(frozen=True)
class TicketView:
    id: int
    code: str
    commune: Commune
    kind: Kind
    channel: Channel
    status: TicketStatus
    category_slug: str | None
    category_name: str | None
    village_name: str | None
    text: str
    received_at: datetime
    ack_due_at: datetime
    resolve_due_at: datetime
    deadline_rule: str
    deadline_basis: str
    latitude: float | None
    longitude: float | None
    resident_name: str | None
    has_phone: bool
    assignee_name: str | None
    attachments: Sequence[Attachment]
    answered: dict[str, str] | None = None  # a citizen without Telegram: how, when (intake)


# The ticket and what it names in one query: every receipt and card is composed from a
# view, two or more per case filed, and six look-ups cost the outbox more than sending.
# Built once (param: ticket_id): building them costs more than SQLite takes to answer.
_TICKET_AND_NAMES: Any = (  # six entities: more than sqlmodel's select() is typed for
    select_entities(Ticket, Commune, Category, Village, Resident, Staff)
    .join(Commune, col(Commune.id) == col(Ticket.commune_id))
    .outerjoin(Category, col(Category.id) == col(Ticket.category_id))
    .outerjoin(Village, col(Village.id) == col(Ticket.village_id))
    .outerjoin(Resident, col(Resident.id) == col(Ticket.resident_id))
    .outerjoin(Staff, col(Staff.id) == col(Ticket.assignee_id))
    .where(col(Ticket.id) == bindparam("ticket_id"))
)
_ATTACHMENTS = (
    select(Attachment)
    .where(Attachment.ticket_id == bindparam("ticket_id"))
    .order_by(col(Attachment.id))
)
_LAST_ANSWER = (
    select(TicketEvent)
    .where(
        TicketEvent.ticket_id == bindparam("ticket_id"),
        col(TicketEvent.kind).in_([EventKind.REPLIED, EventKind.RESOLVED]),
    )
    .order_by(col(TicketEvent.id).desc())
)


async def load_ticket_view(
    session: AsyncSession, ticket_id: int, *, attachments_and_answer: bool = True
) -> TicketView:
    """`attachments_and_answer=False`: without the attachments and how an answer was given
    (empty and None), two queries fewer, for the receipt, which shows neither."""
    params = {"ticket_id": ticket_id}
    row = (await session.exec(_TICKET_AND_NAMES, params=params)).first()
    if row is None:
        raise TicketNotFound(str(ticket_id))
    ticket, commune, category, village, resident, assignee = row
    attachments: Sequence[Attachment] = ()
    answers = None
    if attachments_and_answer:
        attachments = (await session.exec(_ATTACHMENTS, params=params)).all()
        answers = (await session.exec(_LAST_ANSWER, params=params)).first()
    assert ticket.id is not None
    return TicketView(
        id=ticket.id,
        code=ticket.code,
        commune=commune,
        kind=ticket.kind,
        channel=ticket.channel,
        status=ticket.status,
        category_slug=category.slug if category else None,
        category_name=category.name if category else None,
        village_name=village.name if village else None,
        text=ticket.text,
        received_at=ticket.received_at,
        ack_due_at=ticket.ack_due_at,
        resolve_due_at=ticket.resolve_due_at,
        deadline_rule=ticket.deadline_rule,
        deadline_basis=ticket.deadline_basis,
        latitude=ticket.latitude,
        longitude=ticket.longitude,
        resident_name=resident.full_name if resident else None,
        has_phone=bool(ticket.contact_phone or (resident and resident.phone)),
        assignee_name=assignee.name if assignee else None,
        attachments=attachments,
        answered=answers.data if answers and answers.data.get("answered_via") else None,
    )


async def reveal_phone(
    session: AsyncSession, ticket: Ticket, staff: Staff, *, at: datetime
) -> str | None:
    """A staff member of the ticket's commune asked for the phone: logged as an event."""
    resident = await session.get(Resident, ticket.resident_id) if ticket.resident_id else None
    phone = ticket.contact_phone or (resident.phone if resident else None)
    assert ticket.id is not None
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=at,
            kind=EventKind.PHONE_VIEWED,
            actor_type=ActorType.STAFF,
            actor_staff_id=staff.id,
            data={"found": phone is not None},
        )
    )
    await session.commit()
    return phone


# What a resident is shown of their case's history: what was done with it and what they did;
# not the staff's notes, phone views, or drafts of letters.
RESIDENT_STORY = (
    EventKind.CREATED,
    EventKind.ACKNOWLEDGED,
    EventKind.ASSIGNED,
    EventKind.REPLIED,
    EventKind.RESOLVED,
    EventKind.FORWARDED,
    EventKind.REJECTED,
    EventKind.MERGED,
    EventKind.WITHDRAWN,
    EventKind.REOPENED,
    EventKind.EXTENDED,
    EventKind.INFO_ADDED,
    EventKind.RATED,
    EventKind.COMMENTED,
    EventKind.APOLOGY_SENT,
)


@dataclass(frozen=True)
class StoryEntry:
    at: datetime
    kind: EventKind
    by_resident: bool
    text: str | None
    data: dict[str, Any]
    attachments: int  # how many files came with it


async def resident_story(session: AsyncSession, ticket_id: int) -> list[StoryEntry]:
    events = (
        await session.exec(
            select(TicketEvent)
            .where(
                TicketEvent.ticket_id == ticket_id,
                col(TicketEvent.kind).in_(RESIDENT_STORY),
            )
            .order_by(col(TicketEvent.at), col(TicketEvent.id))
        )
    ).all()
    files = (
        await session.exec(select(Attachment.event_id).where(Attachment.ticket_id == ticket_id))
    ).all()
    return [
        StoryEntry(
            at=event.at,
            kind=event.kind,
            by_resident=event.actor_type is ActorType.RESIDENT,
            text=event.text,
            data=dict(event.data or {}),
            attachments=sum(1 for f in files if f == event.id),
        )
        for event in events
    ]
