"""A resident's right to be forgotten (Luật Bảo vệ dữ liệu cá nhân 2025).

Their personal data — name, username, phone, Telegram id, location, files and their own words
in the case history — is removed once no open case needs it. The cases stay, anonymous, and
keep their resident id (the row stays as an anonymous key), so every statistic is unchanged.
The redaction is itself an event on each case, and one audit entry records the erasure."""

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    ApologyLetter,
    Attachment,
    AuditEntry,
    EventKind,
    NotificationKind,
    PushSubscription,
    RecipientKind,
    Resident,
    Ticket,
    TicketEvent,
)
from models.enums import OPEN_STATUSES
from services.cases.lifecycle import notify, record
from services.database.wal import truncate_wal
from services.privacy.ledger import ErasureLedger, LedgerEntry
from services.privacy.traces import forget_channel

REDACTED_TEXT = "[đã xóa theo yêu cầu của người dân]"
REDACTED_WORD = "[đã xóa]"


@dataclass(frozen=True)
class ErasureOutcome:
    erased: bool
    open_cases: int  # the erasure waits for these when not erased yet


async def open_case_count(session: AsyncSession, resident_id: int) -> int:
    return (
        await session.exec(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.resident_id == resident_id, col(Ticket.status).in_(OPEN_STATUSES))
        )
    ).one()


async def request_erasure(
    session: AsyncSession, resident: Resident, now: datetime, *, ledger: ErasureLedger | None
) -> ErasureOutcome:
    """Erase now, or — while a case is open and its answer needs the contact — record the
    request; the retention job completes it once the last case closes. `ledger`: where the
    erasure (or the waiting request) is written down; None when applying one again."""
    assert resident.id is not None
    waiting = await open_case_count(session, resident.id)
    if waiting == 0:
        await erase(session, resident, now, reason="request", ledger=ledger)
        return ErasureOutcome(erased=True, open_cases=0)
    if resident.erasure_requested_at is None:
        resident.erasure_requested_at = now
        session.add(resident)
        await _write_down(ledger, resident, now, "waiting")
    session.add(
        AuditEntry(
            at=now,
            commune_id=resident.commune_id,
            action="erasure_requested",
            allowed=True,
            detail=f"resident {resident.id}; waits for {waiting} open case(s)",
        )
    )
    await session.commit()
    return ErasureOutcome(erased=False, open_cases=waiting)


def _scrubber(*secrets: str | None) -> Any:
    words = [re.escape(s) for s in secrets if s and len(s.strip()) >= 2]
    pattern = re.compile("|".join(words), re.IGNORECASE) if words else None

    def scrub(value: Any) -> Any:
        if pattern is None:
            return value
        if isinstance(value, str):
            return pattern.sub(REDACTED_WORD, value)
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    return scrub


async def _write_down(
    ledger: ErasureLedger | None, resident: Resident, now: datetime, reason: str
) -> None:
    """Into the ledger before the commit (services/privacy/ledger.py)."""
    assert resident.id is not None
    if resident.public_key is None:  # a row from before the keys: it gets its key now
        resident.public_key = uuid4().hex
    if ledger is not None:
        entry = LedgerEntry(now, reason, resident.id, resident.public_key)
        await asyncio.to_thread(ledger.record, entry)


async def erase(
    session: AsyncSession,
    resident: Resident,
    now: datetime,
    *,
    reason: str = "request",
    ledger: ErasureLedger | None,
) -> int:
    """Removes the resident's personal data everywhere; returns how many cases were touched.
    Committed, then SQLite's log is emptied of the old pages. `reason` is "request" (/forget)
    or "retention" (the scheduled job); `ledger` as for `request_erasure`."""
    assert resident.id is not None
    rid, chat = resident.id, resident.telegram_id
    tickets = (await session.exec(select(Ticket).where(Ticket.resident_id == rid))).all()
    ticket_ids = [t.id for t in tickets]
    for ticket in tickets:
        scrub = _scrubber(
            resident.full_name, resident.username, resident.phone, ticket.contact_phone
        )
        ticket.text = REDACTED_TEXT
        ticket.contact_phone = ticket.latitude = ticket.longitude = None
        session.add(ticket)
        for event in (
            await session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
        ).all():
            if event.actor_resident_id == rid:
                event.text = REDACTED_TEXT if event.text else event.text
            else:  # staff and system words stay, without the resident's name or number
                event.text = scrub(event.text)
            event.data = scrub(dict(event.data))
            session.add(event)
        for letter in (
            await session.exec(select(ApologyLetter).where(ApologyLetter.ticket_id == ticket.id))
        ).all():
            letter.text = scrub(letter.text)
            session.add(letter)
    if ticket_ids:
        own_events = select(TicketEvent.id).where(TicketEvent.actor_resident_id == rid)
        await session.exec(
            delete(Attachment).where(
                col(Attachment.ticket_id).in_(ticket_ids),
                col(Attachment.event_id).is_(None) | col(Attachment.event_id).in_(own_events),
            )
        )
        # a browser's push address and keys point at the person as a phone number does
        await session.exec(
            delete(PushSubscription).where(col(PushSubscription.ticket_id).in_(ticket_ids))
        )
    await forget_channel(session, rid, chat)
    resident.full_name = resident.username = resident.phone = None
    resident.telegram_id = None
    resident.blocked_at = None
    resident.erased_at = now
    session.add(resident)
    await session.flush()
    for ticket in tickets:
        record(session, ticket, EventKind.REDACTED, now, data={"reason": reason})
        notify(session, ticket, NotificationKind.CARD_REFRESH, RecipientKind.STAFF_GROUP, now)
    session.add(
        AuditEntry(
            at=now,
            commune_id=resident.commune_id,
            action="resident_erased",
            allowed=True,
            detail=f"resident {rid}; {len(tickets)} case(s); {reason}",
        )
    )
    await _write_down(ledger, resident, now, reason)
    session.add(resident)
    await session.commit()
    if isinstance(session.bind, AsyncEngine):
        await truncate_wal(session.bind)
    return len(tickets)
