"""Cases received on other channels (in person, phone, suggestion box, portal, Facebook,
Zalo…), logged by staff: same code, deadlines, card and workflow as a Telegram case."""

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    Category,
    Channel,
    Commune,
    EventKind,
    NotificationKind,
    RecipientKind,
    Resident,
    Staff,
    Ticket,
    TicketEvent,
)
from services.calendar.deadlines import DeadlinePolicy
from services.cases.codes import format_code, next_sequence
from services.cases.lifecycle import ALL_STAFF, notify
from services.cases.links import has_case_page
from services.cases.tickets import (
    FILEABLE_KINDS,
    TicketDraft,
    _check_belongs,
    _route,
    attach_files,
    clean_description,
)
from services.errors import InvalidInput
from services.people import staff as staff_service
from services.people.residents import normalize_phone
from services.text import nfc

LOGGABLE_CHANNELS = tuple(channel for channel in Channel if channel is not Channel.TELEGRAM)
ANSWER_WAYS = ("in_person", "phone", "letter")  # trực tiếp, điện thoại, văn bản
MAX_NAME = 200


def clean_name(raw: str | None) -> str | None:
    name = nfc(" ".join((raw or "").split()))
    if len(name) > MAX_NAME:
        raise InvalidInput("name_too_long")
    return name or None


async def offline_resident(
    session: AsyncSession, commune_id: int, name: str | None, phone: str | None
) -> Resident | None:
    """The citizen without Telegram: the one of this commune with the same phone if there is
    one, else a new row; nobody when neither a name nor a phone was given (anonymous)."""
    name = clean_name(name)
    phone = normalize_phone(phone) if phone else None
    if phone is not None:
        found = (
            await session.exec(
                select(Resident)
                .where(
                    Resident.commune_id == commune_id,
                    Resident.phone == phone,
                    col(Resident.telegram_id).is_(None),
                )
                .order_by(col(Resident.id))
            )
        ).first()
        if found is not None:
            if name and not found.full_name:
                found.full_name = name
                session.add(found)
            return found
    if name is None and phone is None:
        return None
    resident = Resident(commune_id=commune_id, full_name=name, phone=phone)
    session.add(resident)
    await session.flush()
    return resident


async def log_ticket(
    session: AsyncSession,
    *,
    telegram_id: int,
    commune: Commune,
    draft: TicketDraft,
    citizen_name: str | None,
    policy: DeadlinePolicy,
    now: datetime,
) -> Ticket:
    """A staff member of the commune records a case received elsewhere; received_at is when
    the commune got it (past, never future), and the deadlines count from it."""
    assert commune.id is not None
    officer = await staff_service.authorize(
        session, telegram_id, commune.id, ALL_STAFF, action="log_case"
    )
    if draft.channel not in LOGGABLE_CHANNELS:
        raise InvalidInput("channel_not_loggable")
    if draft.kind not in FILEABLE_KINDS:
        raise InvalidInput("kind needs a formal petition")
    if draft.received_at > now:
        raise InvalidInput("received_in_future")
    text = clean_description(draft.text)
    await _check_belongs(session, draft, commune)
    resident = await offline_resident(session, commune.id, citizen_name, draft.phone)
    deadlines = await policy.deadlines(
        session, commune.id, draft.kind, draft.category_id, draft.received_at
    )
    year = policy.local_date(draft.received_at).year
    seq = await next_sequence(session, commune.id, year)
    ticket = Ticket(
        commune_id=commune.id,
        code=format_code(year, seq),
        year=year,
        seq=seq,
        kind=draft.kind,
        category_id=draft.category_id,
        channel=draft.channel,
        resident_id=resident.id if resident else None,
        village_id=draft.village_id,
        text=text,
        contact_phone=resident.phone if resident else None,
        received_at=draft.received_at,
        ack_due_at=deadlines.ack_due_at,
        resolve_due_at=deadlines.resolve_due_at,
        resolve_due_original_at=deadlines.resolve_due_at,
        forward_due_at=deadlines.forward_due_at,
        deadline_rule=deadlines.rule.name,
        deadline_basis=deadlines.rule.legal_basis,
    )
    session.add(ticket)
    await session.flush()
    assert ticket.id is not None
    event = TicketEvent(
        ticket_id=ticket.id,
        at=draft.received_at,
        kind=EventKind.CREATED,
        actor_type=ActorType.STAFF,
        actor_staff_id=officer.id,
        to_status=ticket.status,
        text=text,
        data={
            "channel": draft.channel.value,
            "rule": deadlines.rule.name,
            "logged_by": officer.id,
            "logged_at": now.isoformat(),
        },
    )
    session.add(event)
    await session.flush()
    attach_files(session, ticket, event, draft.attachments, draft.channel)
    category = await session.get(Category, draft.category_id) if draft.category_id else None
    await _route(session, ticket, category, draft.received_at, now)
    notify(session, ticket, NotificationKind.STAFF_CARD, RecipientKind.STAFF_GROUP, now)
    await session.commit()
    return ticket


async def answered_elsewhere(session: AsyncSession, ticket: Ticket) -> bool:
    """Nobody can be told about this case through a channel (no Telegram chat, no case
    page of the web's): its answer is given some other way, and staff say how."""
    resident = await session.get(Resident, ticket.resident_id) if ticket.resident_id else None
    if resident is not None and resident.telegram_id is not None:
        return False
    return not await has_case_page(session, ticket)


def answer_record(via: str, on: date, received_on: date, today: date) -> dict[str, str]:
    """How and when the answer reached a citizen without Telegram, for the event's data."""
    if via not in ANSWER_WAYS:
        raise InvalidInput("answer_way")
    if on > today:
        raise InvalidInput("answered_in_future")
    if on < received_on:
        raise InvalidInput("answered_before_received")
    return {"answered_via": via, "answered_on": on.isoformat()}


async def staff_for_log(session: AsyncSession, telegram_id: int) -> list[Staff]:
    """The communes this person may log cases for; a stranger's attempt is recorded."""
    members = list(await staff_service.memberships(session, telegram_id))
    if not members:
        await staff_service.record_refusal(session, telegram_id, "log_case")
    return members
