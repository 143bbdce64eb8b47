"""A resident's link to their case's page: for residents without a chat (the web), the link
is how they come back. The token (192 bits) is shown once; only its SHA-256 is kept. A
resident who lost it gets a new one with the case's code and the phone given at filing."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import CaseLink, Commune, Resident, Ticket
from services.cases.codes import parse_code
from services.errors import InvalidInput, InvalidTicketCode, TicketNotFound
from services.people.residents import normalize_phone

TOKEN_BYTES = 24


@dataclass(frozen=True)
class NewLink:
    token: str  # for the resident, once
    token_hash: str  # for the database


def new_link() -> NewLink:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return NewLink(token, token_hash(token))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def ticket_by_link(session: AsyncSession, code: str, token: str) -> Ticket:
    """The case a link opens; TicketNotFound for any link that opens none (the same for a
    wrong token and a wrong code, so a guess learns nothing)."""
    if not token or len(token) > 100:
        raise TicketNotFound(code)
    link = (
        await session.exec(select(CaseLink).where(CaseLink.token_hash == token_hash(token)))
    ).first()
    ticket = await session.get(Ticket, link.ticket_id) if link is not None else None
    if ticket is None or ticket.code != code.strip().upper():
        raise TicketNotFound(code)
    return ticket


async def relink(
    session: AsyncSession, commune: Commune, raw_code: str, raw_phone: str
) -> tuple[Ticket, str]:
    """A fresh link for a resident who gives their case's code and the phone they gave when
    filing it. TicketNotFound alike for a wrong code and a wrong phone."""
    try:
        code = parse_code(raw_code)
        phone = normalize_phone(raw_phone)
    except (InvalidTicketCode, InvalidInput) as exc:
        raise TicketNotFound(raw_code) from exc
    ticket = (
        await session.exec(
            select(Ticket).where(col(Ticket.commune_id) == commune.id, col(Ticket.code) == code)
        )
    ).first()
    resident = (
        await session.get(Resident, ticket.resident_id)
        if ticket is not None and ticket.resident_id
        else None
    )
    known = {p for p in (ticket and ticket.contact_phone, resident and resident.phone) if p}
    if ticket is None or phone not in known:
        raise TicketNotFound(raw_code)
    assert ticket.id is not None
    link = new_link()
    session.add(CaseLink(ticket_id=ticket.id, token_hash=link.token_hash))
    await session.commit()
    return ticket, link.token


async def has_case_page(session: AsyncSession, ticket: Ticket) -> bool:
    """The resident follows this case on its page: what staff answer reaches them there."""
    found = await session.exec(select(CaseLink.id).where(CaseLink.ticket_id == ticket.id).limit(1))
    return found.first() is not None
