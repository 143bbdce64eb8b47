"""The cards' "N working days left" kept true: a card says it as of the day it was last
drawn, so each morning the open cases whose countdown reads differently today get their
card drawn again. The outbox paces these edits within the group's limits, and of several
pending edits of one card sends only the newest."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Notification, NotificationKind, RecipientKind, Ticket
from models.enums import OPEN_STATUSES
from services.calendar.deadlines import DeadlinePolicy

DRAWINGS = (NotificationKind.STAFF_CARD, NotificationKind.CARD_REFRESH)
BATCH = 200  # commits every so many refreshes: short write locks on SQLite


async def _last_drawn(session: AsyncSession) -> dict[int, datetime]:
    """When each open case's card was last queued for drawing (sent, or an edit)."""
    rows = await session.exec(
        select(Notification.ticket_id, func.max(Notification.created_at))
        .join(Ticket, col(Ticket.id) == col(Notification.ticket_id))
        .where(
            col(Notification.kind).in_(list(DRAWINGS)),
            Notification.recipient_kind == RecipientKind.STAFF_GROUP,
            col(Ticket.status).in_(list(OPEN_STATUSES)),
        )
        .group_by(col(Notification.ticket_id))
    )
    return {ticket_id: moment for ticket_id, moment in rows.all() if ticket_id is not None}


async def refresh_countdowns(session: AsyncSession, policy: DeadlinePolicy, now: datetime) -> int:
    """Queues a CARD_REFRESH for each open case with a card whose countdown reads differently
    today than on the day the card was last drawn; running it again the same day adds none."""
    drawn = await _last_drawn(session)
    if not drawn:
        return 0
    cases = (
        await session.exec(
            select(Ticket.id, Ticket.commune_id, Ticket.resolve_due_at).where(
                col(Ticket.id).in_(list(drawn))
            )
        )
    ).all()
    calendars = await policy.calendars_for(
        session, sorted({commune for _id, commune, _due in cases})
    )
    today = policy.local_date(now)
    queued = 0
    for ticket_id, commune_id, due_at in cases:
        assert ticket_id is not None
        calendar, due = calendars[commune_id], policy.local_date(due_at)
        if calendar.countdown(policy.local_date(drawn[ticket_id]), due) == calendar.countdown(
            today, due
        ):
            continue
        session.add(
            Notification(
                kind=NotificationKind.CARD_REFRESH,
                commune_id=commune_id,
                ticket_id=ticket_id,
                recipient_kind=RecipientKind.STAFF_GROUP,
                next_attempt_at=now,
                created_at=now,
            )
        )
        queued += 1
        if queued % BATCH == 0:
            await session.commit()
    await session.commit()
    return queued
