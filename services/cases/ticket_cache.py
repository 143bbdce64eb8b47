"""Ticket.first_answered_at, a cache of the ticket's events like closed_at: the moment of its
earliest answer (models.enums.ANSWER_EVENTS), so that a report reads it from the ticket
index instead of looking each case's events up. The lifecycle keeps it as answers are
recorded (services/lifecycle.apply), the import writes it with the history it implies
(services/case_import_write), and rows written before the column existed are filled from
their events by `backfill_first_answered`."""

from datetime import datetime

from sqlalchemy import or_, text, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Ticket
from models.enums import ANSWER_EVENTS

_KINDS = ", ".join(f"'{kind.value}'" for kind in ANSWER_EVENTS)
# plain SQL, valid on SQLite and PostgreSQL (enums are stored as their values), so the
# migration that adds the column can run the same statement
BACKFILL_SQL = (
    "UPDATE ticket SET first_answered_at = (SELECT min(ticketevent.at) FROM ticketevent"
    f" WHERE ticketevent.ticket_id = ticket.id AND ticketevent.kind IN ({_KINDS}))"
)


async def answered(session: AsyncSession, ticket: Ticket, at: datetime) -> None:
    """An answer was recorded at `at` (not committed). The first one sets the time; an
    answer recorded later with an earlier time moves it earlier; nothing moves it later.
    The UPDATE is conditional, so of two answers recorded at once the earlier stays."""
    if ticket.first_answered_at is not None and ticket.first_answered_at <= at:
        return
    await session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket.id,
            or_(col(Ticket.first_answered_at).is_(None), col(Ticket.first_answered_at) > at),
        )
        .values(first_answered_at=at)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(ticket, "first_answered_at", at)  # already written: not dirty


async def backfill_first_answered(session: AsyncSession) -> int:
    """Every ticket's first_answered_at from its events; returns the rows updated (all of
    them). Not committed."""
    result = await (await session.connection()).execute(text(BACKFILL_SQL))
    return int(result.rowcount)
