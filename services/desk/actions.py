"""What staff do with a ticket: accept, assign, answer, forward, refuse, extend, close,
merge, annotate. Each function authorises from the database, then acts or changes nothing."""

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    Category,
    Channel,
    EventKind,
    Kind,
    NotificationKind,
    RecipientKind,
    RejectReason,
    Role,
    Staff,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from services.calendar.deadlines import DeadlinePolicy
from services.cases.intake import answered_elsewhere
from services.cases.lifecycle import (
    ALL_STAFF,
    LEADERS,
    OPEN,
    apply,
    check_allowed,
    clean_text,
    duplicates_of,
    notify,
    record,
    require_staff,
)
from services.cases.tickets import AttachmentDraft, attach_files
from services.errors import Conflict, InvalidInput, NotAuthorized, TransitionRefused


async def _authorise(
    session: AsyncSession, staff: Staff | None, ticket: Ticket, roles: Collection[Role], action: str
) -> Staff:
    try:
        return require_staff(session, staff, ticket, roles, action)
    except NotAuthorized:
        await session.commit()  # the refusal is recorded; nothing else changes
        raise


async def _answer_data(
    session: AsyncSession, ticket: Ticket, answered: dict[str, str] | None
) -> dict[str, str]:
    """A citizen no channel reaches gets no message: the answer must say how and when it was
    given (services/cases/intake.answer_record), never pretend it was sent."""
    if answered is None and await answered_elsewhere(session, ticket):
        raise InvalidInput("answer_how_required")
    return dict(answered or {})


async def acknowledge(
    session: AsyncSession, ticket: Ticket, staff: Staff | None, *, at: datetime, now: datetime
) -> TicketEvent:
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "ack")
    event = await apply(session, ticket, EventKind.ACKNOWLEDGED, at, staff=actor, now=now)
    await session.commit()
    return event


async def assign(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    assignee: Staff,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Leaders and admins assign anyone of their commune; an officer may take a ticket
    nobody has."""
    taking = staff is not None and assignee.id == staff.id and ticket.assignee_id is None
    actor = await _authorise(session, staff, ticket, ALL_STAFF if taking else LEADERS, "assign")
    if assignee.commune_id != ticket.commune_id or not assignee.active:
        raise InvalidInput("assignee of another commune")
    check_allowed(ticket, EventKind.ASSIGNED)
    if ticket.assignee_id == assignee.id:
        raise InvalidInput("already_assigned")
    result = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket.id,
            col(Ticket.assignee_id).is_(ticket.assignee_id)
            if ticket.assignee_id is None
            else col(Ticket.assignee_id) == ticket.assignee_id,
        )
        .where(col(Ticket.status).in_(list(OPEN)))
        .values(assignee_id=assignee.id)
    )
    if result.rowcount != 1:
        raise Conflict(ticket.code)
    previous, ticket.assignee_id = ticket.assignee_id, assignee.id
    event = record(
        session,
        ticket,
        EventKind.ASSIGNED,
        at,
        staff=actor,
        data={"from_staff_id": previous, "to_staff_id": assignee.id},
    )
    await session.flush()
    notify(
        session,
        ticket,
        NotificationKind.STAFF_ASSIGNED,
        RecipientKind.STAFF,
        now,
        recipient_id=assignee.id,
        payload={"event_id": event.id},
    )
    notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
    await session.commit()
    return event


async def reply(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    text: str | None,
    *,
    at: datetime,
    now: datetime,
    files: Sequence[AttachmentDraft] = (),
    channel: Channel = Channel.TELEGRAM,
    answered: dict[str, str] | None = None,
) -> TicketEvent:
    """An answer to the resident, signed by the office; the ticket stays open. For a citizen
    without Telegram, `answered` says how and when it was given."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "reply")
    body = clean_text(text, required=not files)
    data = await _answer_data(session, ticket, answered)
    event = await apply(
        session, ticket, EventKind.REPLIED, at, staff=actor, text=body, data=data, now=now
    )
    attach_files(session, ticket, event, files, channel)
    await session.commit()
    return event


async def forward(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    body: str,
    reason: str | None,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Chuyển to the competent body; the resident is told to whom and why."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "forward")
    to = clean_text(body)
    event = await apply(
        session,
        ticket,
        EventKind.FORWARDED,
        at,
        staff=actor,
        text=clean_text(reason, required=False),
        data={"to": to},
        now=now,
    )
    await session.commit()
    return event


async def reject(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    reason: RejectReason,
    text: str | None,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Từ chối thụ lý on a legal ground, or a typed one (then the text is required)."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "reject")
    detail = clean_text(text, required=reason is RejectReason.OTHER)
    event = await apply(
        session,
        ticket,
        EventKind.REJECTED,
        at,
        staff=actor,
        text=detail,
        data={"reason": reason.value},
        now=now,
    )
    await session.commit()
    return event


async def extend(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    new_due: datetime,
    reason: str,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Gia hạn: leaders and admins move the answer deadline later; the original stays."""
    actor = await _authorise(session, staff, ticket, LEADERS, "extend")
    why = clean_text(reason)
    check_allowed(ticket, EventKind.EXTENDED)
    if new_due <= ticket.resolve_due_at:
        raise InvalidInput("extension_not_later")
    result = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket.id, col(Ticket.resolve_due_at) == ticket.resolve_due_at)
        .where(col(Ticket.status).in_(list(OPEN)))
        .values(resolve_due_at=new_due)
    )
    if result.rowcount != 1:
        raise Conflict(ticket.code)
    previous, ticket.resolve_due_at = ticket.resolve_due_at, new_due
    event = await apply(
        session,
        ticket,
        EventKind.EXTENDED,
        at,
        staff=actor,
        text=why,
        data={"from": previous.isoformat(), "to": new_due.isoformat()},
        now=now,
    )
    await session.commit()
    return event


async def close(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    result: str,
    *,
    at: datetime,
    now: datetime,
    answered: dict[str, str] | None = None,
) -> TicketEvent:
    """Hoàn thành: resolved, with the result the resident (and any duplicate's) receives.
    For a citizen without Telegram, `answered` says how and when it was given."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "close")
    body = clean_text(result)
    data = await _answer_data(session, ticket, answered)
    event = await apply(
        session, ticket, EventKind.RESOLVED, at, staff=actor, text=body, data=data, now=now
    )
    for duplicate in await duplicates_of(session, ticket):
        if duplicate.resident_id is not None:
            notify(
                session,
                duplicate,
                NotificationKind.TICKET_UPDATE,
                RecipientKind.RESIDENT,
                now,
                recipient_id=duplicate.resident_id,
                payload={"event_id": event.id},
            )
    await session.commit()
    return event


async def merge(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    into: Ticket,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """Gộp a duplicate into the ticket that will carry the answer."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "merge")
    if into.id == ticket.id or into.commune_id != ticket.commune_id:
        raise InvalidInput("merge_target")
    if into.status not in (*OPEN, TicketStatus.RESOLVED):
        raise TransitionRefused(into.code, into.status.value, "merge_into")
    ticket.merged_into_id = into.id
    session.add(ticket)
    event = await apply(
        session,
        ticket,
        EventKind.MERGED,
        at,
        staff=actor,
        data={"into": into.code, "into_id": into.id},
        now=now,
    )
    await session.commit()
    return event


async def add_note(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    text: str,
    *,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """An internal note: the resident never sees it."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "note")
    event = record(session, ticket, EventKind.NOTE, at, staff=actor, text=clean_text(text))
    await session.commit()
    return event


async def take(
    session: AsyncSession, ticket: Ticket, staff: Staff | None, *, at: datetime, now: datetime
) -> TicketEvent:
    """Nhận xử lý: an officer takes a ticket nobody handles yet."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "assign")
    return await assign(session, ticket, actor, actor, at=at, now=now)


async def reclassify(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff | None,
    policy: DeadlinePolicy,
    *,
    kind: Kind | None = None,
    category: Category | None = None,
    at: datetime,
    now: datetime,
) -> TicketEvent:
    """A different kind or field: the deadlines are computed again from the same receipt
    time under the new rule; an extension already granted is kept if it is later."""
    actor = await _authorise(session, staff, ticket, ALL_STAFF, "reclassify")
    if ticket.status not in OPEN:
        raise TransitionRefused(ticket.code, ticket.status.value, EventKind.RECLASSIFIED.value)
    if category is not None and category.commune_id != ticket.commune_id:
        raise InvalidInput("category of another commune")
    before = {
        "kind": ticket.kind.value,
        "category_id": ticket.category_id,
        "resolve_due_at": ticket.resolve_due_at.isoformat(),
        "rule": ticket.deadline_rule,
    }
    new_kind = kind or ticket.kind
    new_category_id = category.id if category else ticket.category_id
    deadlines = await policy.deadlines(
        session, ticket.commune_id, new_kind, new_category_id, ticket.received_at
    )
    extended = ticket.resolve_due_at != ticket.resolve_due_original_at
    ticket.kind, ticket.category_id = new_kind, new_category_id
    ticket.ack_due_at = deadlines.ack_due_at
    ticket.forward_due_at = deadlines.forward_due_at
    ticket.resolve_due_original_at = deadlines.resolve_due_at
    ticket.resolve_due_at = (
        max(ticket.resolve_due_at, deadlines.resolve_due_at)
        if extended
        else deadlines.resolve_due_at
    )
    ticket.deadline_rule, ticket.deadline_basis = deadlines.rule.name, deadlines.rule.legal_basis
    session.add(ticket)
    event = record(
        session,
        ticket,
        EventKind.RECLASSIFIED,
        at,
        staff=actor,
        data={
            "from": before,
            "to": {
                "kind": new_kind.value,
                "category_id": new_category_id,
                "resolve_due_at": ticket.resolve_due_at.isoformat(),
                "rule": deadlines.rule.name,
            },
        },
    )
    await session.flush()
    notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
    await session.commit()
    return event


ROLES_FOR = {"assign": LEADERS, "extend": LEADERS}
EVENT_OF = {
    "reply": EventKind.REPLIED,
    "close": EventKind.RESOLVED,
    "forward": EventKind.FORWARDED,
    "reject": EventKind.REJECTED,
    "extend": EventKind.EXTENDED,
    "merge": EventKind.MERGED,
}


async def may(session: AsyncSession, staff: Staff | None, ticket: Ticket, action: str) -> None:
    """Before asking someone for the words of an action: could they do it now (role,
    commune, the ticket's state)? A refusal is recorded, as the action itself would."""
    await _authorise(session, staff, ticket, ROLES_FOR.get(action, ALL_STAFF), action)
    if action in EVENT_OF:
        check_allowed(ticket, EVENT_OF[action])
