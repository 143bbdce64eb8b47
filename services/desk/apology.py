"""Thư xin lỗi: when a case goes past its answer deadline, a letter of apology to the
resident is drafted, and sent only once a leader approves it, as written or edited.

Each function authorises from the database and commits its own work; the default wording
lives in the locale files (services.desk.letter, no Telegram there)."""

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ApologyLetter,
    Commune,
    EventKind,
    LetterStatus,
    NotificationKind,
    RecipientKind,
    Resident,
    Role,
    Staff,
    Ticket,
    TicketEvent,
)
from models.enums import OPEN_STATUSES
from services.calendar.deadlines import DeadlinePolicy
from services.calendar.working_days import WorkingCalendar
from services.cases.lifecycle import LEADERS, notify, record, require_staff
from services.communes.divisions import office_name
from services.desk.access import staff_in
from services.desk.letter import LetterFacts, default_letter, signature
from services.errors import DomainError, InvalidInput, NotAuthorized
from services.text import nfc

PROMISE_WORKING_DAYS = 5  # the letter promises an answer within this many working days
MAX_LETTER = 3000  # with its header, one Telegram message, so its buttons can be removed
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class LetterNotFound(DomainError):
    """No such letter (an old or forged button)."""


class LetterAlreadySent(DomainError):
    """Another leader approved it first. Args: the ticket code."""


class LetterChanged(DomainError):
    """The letter was edited after the version the leader saw. Args: the ticket code."""


async def leaders_of(session: AsyncSession, commune_id: int) -> Sequence[Staff]:
    return (
        await session.exec(
            select(Staff)
            .where(
                Staff.commune_id == commune_id,
                col(Staff.active).is_(True),
                col(Staff.role).in_([Role.LEADER, Role.ADMIN]),
            )
            .order_by(col(Staff.id))
        )
    ).all()


async def _overdue_without_letter(
    session: AsyncSession, now: datetime
) -> Sequence[tuple[Ticket, Resident]]:
    """Open, past the answer deadline, no letter yet, and a resident we can write to."""
    has_letter = exists().where(col(ApologyLetter.ticket_id) == Ticket.id)
    return (
        await session.exec(
            select(Ticket, Resident)
            .join(Resident, col(Resident.id) == col(Ticket.resident_id))
            .where(
                col(Ticket.status).in_(list(OPEN_STATUSES)),
                col(Ticket.resolve_due_at) < now,
                ~has_letter,
                col(Resident.telegram_id).is_not(None),
                col(Resident.blocked_at).is_(None),
            )
            .order_by(col(Ticket.resolve_due_at), col(Ticket.id))
        )
    ).all()


async def draft_overdue_letters(
    session: AsyncSession, now: datetime, *, policy: DeadlinePolicy | None = None
) -> list[ApologyLetter]:
    """The scheduler's job: one draft per overdue open ticket, for its leaders to approve.
    Running it again, or late, drafts nothing twice (one letter per ticket)."""
    policy = policy or DeadlinePolicy(WorkingCalendar(), DEFAULT_TZ)
    today = policy.local_date(now)
    calendars: dict[int, WorkingCalendar] = {}
    letters: list[ApologyLetter] = []
    for ticket, resident in await _overdue_without_letter(session, now):
        assert ticket.id is not None
        commune = await session.get(Commune, ticket.commune_id)
        assert commune is not None
        if ticket.commune_id not in calendars:
            calendars[ticket.commune_id] = await policy.calendar_for(session, ticket.commune_id)
        promise = calendars[ticket.commune_id].add_working_days(today, PROMISE_WORKING_DAYS)
        text = default_letter(
            LetterFacts(
                resident_name=resident.full_name,
                commune=office_name(commune),
                code=ticket.code,
                received=policy.local_date(ticket.received_at).strftime("%d/%m/%Y"),
                due=policy.local_date(ticket.resolve_due_at).strftime("%d/%m/%Y"),
                promise=promise.strftime("%d/%m/%Y"),
            )
        )
        letter = ApologyLetter(
            ticket_id=ticket.id, commune_id=ticket.commune_id, text=text, drafted_at=now
        )
        session.add(letter)
        await session.flush()
        record(session, ticket, EventKind.APOLOGY_DRAFTED, now, text=text, data=_ref(letter))
        for leader in await leaders_of(session, ticket.commune_id):
            notify(
                session,
                ticket,
                NotificationKind.APOLOGY_DRAFT,
                RecipientKind.STAFF,
                now,
                recipient_id=leader.id,
                payload=_ref(letter),
            )
        letters.append(letter)
    await session.commit()
    return letters


def _ref(letter: ApologyLetter) -> dict[str, int]:
    assert letter.id is not None
    return {"letter_id": letter.id, "version": letter.version}


async def letter_for_staff(
    session: AsyncSession, telegram_id: int, letter_id: int
) -> tuple[ApologyLetter, Ticket, Staff]:
    """The letter, its ticket, and the caller's staff record in that commune (a stranger
    when they have none: the action then refuses and records it)."""
    letter = await session.get(ApologyLetter, letter_id)
    ticket = await session.get(Ticket, letter.ticket_id) if letter else None
    if letter is None or ticket is None:
        raise LetterNotFound(letter_id)
    return letter, ticket, await staff_in(session, telegram_id, ticket.commune_id)


async def _authorise(
    session: AsyncSession, staff: Staff | None, ticket: Ticket, action: str
) -> Staff:
    try:
        return require_staff(session, staff, ticket, LEADERS, action)
    except NotAuthorized:
        await session.commit()  # the refusal is recorded; nothing else changes
        raise


async def check_editable(
    session: AsyncSession,
    letter: ApologyLetter,
    staff: Staff | None,
    ticket: Ticket,
    *,
    version: int | None = None,
) -> Staff:
    """A leader of the commune, a draft not sent yet, the version they saw."""
    actor = await _authorise(session, staff, ticket, "apology")
    if letter.status is LetterStatus.SENT:
        raise LetterAlreadySent(ticket.code)
    if version is not None and version != letter.version:
        raise LetterChanged(ticket.code)
    return actor


async def _lost_race(session: AsyncSession, letter: ApologyLetter, code: str) -> DomainError:
    status = (
        await session.exec(select(ApologyLetter.status).where(ApologyLetter.id == letter.id))
    ).one()
    return LetterAlreadySent(code) if status is LetterStatus.SENT else LetterChanged(code)


async def approve(
    session: AsyncSession,
    letter: ApologyLetter,
    staff: Staff | None,
    *,
    at: datetime,
    now: datetime,
    version: int | None = None,
) -> TicketEvent:
    """Duyệt gửi: exactly once, even if two leaders press at once (compare-and-set on the
    status and version). The resident gets the letter; the leaders' drafts lose their
    buttons."""
    ticket = await session.get(Ticket, letter.ticket_id)
    assert ticket is not None
    actor = await check_editable(session, letter, staff, ticket, version=version)
    result = await session.exec(
        update(ApologyLetter)
        .where(
            col(ApologyLetter.id) == letter.id,
            col(ApologyLetter.status) == LetterStatus.DRAFT,
            col(ApologyLetter.version) == letter.version,
        )
        .values(status=LetterStatus.SENT, approved_by_id=actor.id, sent_at=at)
    )
    if result.rowcount != 1:
        raise await _lost_race(session, letter, ticket.code)
    letter.status, letter.approved_by_id, letter.sent_at = LetterStatus.SENT, actor.id, at
    event = record(
        session,
        ticket,
        EventKind.APOLOGY_SENT,
        at,
        staff=actor,
        text=letter.text,
        data=_ref(letter),
    )
    await session.flush()
    if ticket.resident_id is not None:
        notify(
            session,
            ticket,
            NotificationKind.APOLOGY_LETTER,
            RecipientKind.RESIDENT,
            now,
            recipient_id=ticket.resident_id,
            payload=_ref(letter),
        )
    for leader in await leaders_of(session, ticket.commune_id):
        notify(
            session,
            ticket,
            NotificationKind.APOLOGY_DONE,
            RecipientKind.STAFF,
            now,
            recipient_id=leader.id,
            payload=_ref(letter),
        )
    await session.commit()
    return event


def clean_letter(text: str | None, commune: Commune) -> str:
    """The leader's words, signed by the office if they did not sign it themselves."""
    body = nfc((text or "").strip())
    if not body:
        raise InvalidInput("text_required")
    signed = signature(office_name(commune))
    if signed.casefold() not in body.casefold():
        body = f"{body}\n\n{signed}"
    if len(body) > MAX_LETTER:
        raise InvalidInput("letter_too_long")
    return body


async def edit(
    session: AsyncSession,
    letter: ApologyLetter,
    staff: Staff | None,
    text: str,
    *,
    at: datetime,
    version: int | None = None,
) -> TicketEvent:
    """Sửa: a leader rewrites the draft; it is not sent until approved. The new version
    goes to the leader who wrote it, with the buttons to approve it."""
    ticket = await session.get(Ticket, letter.ticket_id)
    commune = await session.get(Commune, letter.commune_id)
    assert ticket is not None and commune is not None
    actor = await check_editable(session, letter, staff, ticket, version=version)
    body = clean_letter(text, commune)
    seen, new_version = letter.version, letter.version + 1
    result = await session.exec(
        update(ApologyLetter)
        .where(
            col(ApologyLetter.id) == letter.id,
            col(ApologyLetter.status) == LetterStatus.DRAFT,
            col(ApologyLetter.version) == seen,
        )
        .values(text=body, version=new_version, edited_by_id=actor.id, edited_at=at)
    )
    if result.rowcount != 1:
        raise await _lost_race(session, letter, ticket.code)
    letter.text, letter.version = body, new_version  # the update may have set them already
    letter.edited_by_id, letter.edited_at = actor.id, at
    event = record(
        session, ticket, EventKind.APOLOGY_EDITED, at, staff=actor, text=body, data=_ref(letter)
    )
    notify(
        session,
        ticket,
        NotificationKind.APOLOGY_DRAFT,
        RecipientKind.STAFF,
        at,
        recipient_id=actor.id,
        payload={**_ref(letter), "edited": 1},
    )
    await session.commit()
    return event
