"""Filing tickets and looking them up for the resident who filed them."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ActorType,
    Attachment,
    AttachmentKind,
    CaseLink,
    Category,
    Channel,
    Commune,
    EventKind,
    Kind,
    NotificationKind,
    RecipientKind,
    Resident,
    Staff,
    Ticket,
    TicketEvent,
    Village,
)
from services.calendar.deadlines import DeadlinePolicy
from services.cases.codes import format_code, next_sequence, parse_code
from services.cases.lifecycle import notify, record
from services.errors import InvalidInput, TicketNotFound
from services.people.staff import record_refusal
from services.text import nfc

MIN_DESCRIPTION_WORDS = 3
MAX_DESCRIPTION_CHARS = 8000  # two full Telegram messages
FILEABLE_KINDS = (Kind.REPORT, Kind.PROPOSAL, Kind.QUESTION)


@dataclass
class AttachmentDraft:
    kind: AttachmentKind
    file_ref: str
    file_unique_id: str | None = None
    media_group: str | None = None
    caption: str | None = None
    file_name: str | None = None


@dataclass
class TicketDraft:
    kind: Kind
    category_id: int | None
    text: str
    received_at: datetime
    channel: Channel
    village_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    attachments: list[AttachmentDraft] = field(default_factory=list)


def attach_files(
    session: AsyncSession,
    ticket: Ticket,
    event: TicketEvent,
    files: Sequence[AttachmentDraft],
    channel: Channel,
) -> None:
    assert ticket.id is not None
    for item in files:
        session.add(
            Attachment(
                ticket_id=ticket.id,
                event_id=event.id,
                kind=item.kind,
                channel=channel,
                file_ref=item.file_ref,
                file_unique_id=item.file_unique_id,
                media_group=item.media_group,
                caption=nfc(item.caption) if item.caption else None,
                file_name=nfc(item.file_name) if item.file_name else None,
            )
        )


def clean_description(raw: str) -> str:
    """The resident's words, NFC-normalised; at least a few words so staff can act."""
    text = nfc(raw.strip())
    if len(text.split()) < MIN_DESCRIPTION_WORDS:
        raise InvalidInput("description_too_short")
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise InvalidInput("description_too_long")
    return text


async def _check_belongs(session: AsyncSession, draft: TicketDraft, commune: Commune) -> None:
    if draft.category_id is not None:
        category = await session.get(Category, draft.category_id)
        if category is None or category.commune_id != commune.id:
            raise InvalidInput("category of another commune")
    if draft.village_id is not None:
        village = await session.get(Village, draft.village_id)
        if village is None or village.commune_id != commune.id:
            raise InvalidInput("village of another commune")


async def submit_ticket(
    session: AsyncSession,
    *,
    commune: Commune,
    resident: Resident,
    draft: TicketDraft,
    policy: DeadlinePolicy,
    now: datetime,
    link_hash: str | None = None,
) -> Ticket:
    """Files the ticket, its first event, attachments, the receipt and the staff card, in
    one transaction. The receipt time is the draft's (the message's own date). `link_hash`:
    the resident's link to the case (services/cases/links.py), kept in the same
    transaction, for a resident with no chat to be told in."""
    if draft.kind not in FILEABLE_KINDS:
        raise InvalidInput("kind needs a formal petition")
    text = clean_description(draft.text)
    await _check_belongs(session, draft, commune)
    assert commune.id is not None and resident.id is not None
    category = await session.get(Category, draft.category_id) if draft.category_id else None
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
        resident_id=resident.id,
        village_id=draft.village_id,
        text=text,
        contact_phone=draft.phone,
        latitude=draft.latitude,
        longitude=draft.longitude,
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
        actor_type=ActorType.RESIDENT,
        actor_resident_id=resident.id,
        to_status=ticket.status,
        text=text,
        data={"channel": draft.channel.value, "rule": deadlines.rule.name},
    )
    session.add(event)
    if link_hash is not None:
        session.add(CaseLink(ticket_id=ticket.id, token_hash=link_hash))
    if draft.attachments:
        await session.flush()  # they name the event; otherwise it is written with the rest
        attach_files(session, ticket, event, draft.attachments, draft.channel)
    await _route(session, ticket, category, draft.received_at, now)
    if draft.phone:
        resident.phone = draft.phone
    if resident.consent_at is None:
        resident.consent_at = now
    resident.commune_id = commune.id
    session.add(resident)
    notify(
        session,
        ticket,
        NotificationKind.RECEIPT,
        RecipientKind.RESIDENT,
        now,
        recipient_id=resident.id,
    )
    notify(session, ticket, NotificationKind.STAFF_CARD, RecipientKind.STAFF_GROUP, now)
    await session.commit()
    return ticket


async def _route(
    session: AsyncSession, ticket: Ticket, category: Category | None, at: datetime, now: datetime
) -> None:
    """A category with a default officer hands them the ticket at once (like FixMyStreet's
    per-category contacts)."""
    if category is None or category.default_staff_id is None:
        return
    officer = await session.get(Staff, category.default_staff_id)
    if officer is None or not officer.active or officer.commune_id != ticket.commune_id:
        return
    ticket.assignee_id = officer.id
    session.add(ticket)
    event = record(
        session,
        ticket,
        EventKind.ASSIGNED,
        at,
        data={"from_staff_id": None, "to_staff_id": officer.id, "reason": "category_routing"},
    )
    await session.flush()
    notify(
        session,
        ticket,
        NotificationKind.STAFF_ASSIGNED,
        RecipientKind.STAFF,
        now,
        recipient_id=officer.id,
        payload={"event_id": event.id},
    )


async def list_for_resident(
    session: AsyncSession, resident_id: int, *, limit: int = 20
) -> Sequence[Ticket]:
    return (
        await session.exec(
            select(Ticket)
            .where(Ticket.resident_id == resident_id)
            .order_by(col(Ticket.received_at).desc(), col(Ticket.id).desc())
            .limit(limit)
        )
    ).all()


async def get_for_resident(session: AsyncSession, resident: Resident, raw_code: str) -> Ticket:
    """Only the resident's own tickets: another's code is 'not found', and is logged."""
    code = parse_code(raw_code)
    tickets = (await session.exec(select(Ticket).where(Ticket.code == code))).all()
    own = [t for t in tickets if t.resident_id == resident.id]
    if own:
        return own[0]
    if tickets and resident.telegram_id is not None:
        await record_refusal(session, resident.telegram_id, "status_of_other_resident", code)
    raise TicketNotFound(code)


async def filed_since(session: AsyncSession, phone: str, channel: Channel, since: datetime) -> int:
    """How many cases this contact phone filed on this channel since then (a flood limit)."""
    found = await session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            col(Ticket.contact_phone) == phone,
            col(Ticket.channel) == channel,
            col(Ticket.received_at) >= since,
        )
    )
    return found.one()
