"""Residents as the channels know them."""

import re
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import AuditEntry, Commune, Resident, Ticket, TicketEvent
from services.errors import InvalidInput
from services.text import nfc

SUPPORTED_LANGUAGES = ("vi", "en")
_PHONE = re.compile(r"^\+?\d{8,15}$")


def normalize_phone(raw: str) -> str:
    """Vietnamese numbers kept in the national form: "+84912345678" → "0912345678"."""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if not _PHONE.match(digits):
        raise InvalidInput(f"not a phone number: {raw!r}")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits.lstrip("+")


# built once: every update asks
_BY_TELEGRAM = select(Resident).where(Resident.telegram_id == bindparam("telegram_id"))


async def get_or_create_by_telegram(
    session: AsyncSession, telegram_id: int, *, full_name: str | None, username: str | None
) -> Resident:
    """Keeps the name Telegram shows in step with the account; commits only on change."""
    resident = (await session.exec(_BY_TELEGRAM, params={"telegram_id": telegram_id})).first()
    if resident is None:
        resident = Resident(telegram_id=telegram_id, full_name=full_name, username=username)
    elif (resident.full_name, resident.username) == (
        full_name,
        username,
    ) and not resident.blocked_at:
        return resident
    else:
        resident.full_name, resident.username = full_name, username
        resident.blocked_at = None  # they wrote to us, so they no longer block the bot
    session.add(resident)
    await session.commit()
    return resident


async def without_chat(session: AsyncSession, *, name: str | None, language: str) -> Resident:
    """A resident no chat identifies (the web): each filing is its own, its link the key;
    two cases from one phone are not merged into one person."""
    resident = Resident(full_name=nfc(name) if name else None, language=language)
    session.add(resident)
    await session.flush()
    return resident


async def choose_commune(session: AsyncSession, resident: Resident, commune: Commune) -> None:
    resident.commune_id = commune.id
    session.add(resident)
    await session.commit()


async def set_language(session: AsyncSession, resident: Resident, language: str) -> None:
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInput(language)
    resident.language = language
    session.add(resident)
    await session.commit()


async def mark_blocked(session: AsyncSession, resident_id: int | None, at: datetime) -> None:
    """The resident blocked the bot: stop sending until they write again."""
    resident = await session.get(Resident, resident_id) if resident_id else None
    if resident is not None:
        resident.blocked_at = at
        session.add(resident)


async def link_offline_cases(
    session: AsyncSession, resident: Resident, raw_phone: str, now: datetime
) -> int:
    """A Telegram resident proved this phone is theirs (Telegram's own contact sharing): the
    cases staff logged for that phone, without Telegram, become theirs — /mine shows them,
    the statistics count one person. Recorded in the audit log. Returns how many moved.

    Only a shared contact proves the number: a typed one could be anyone's."""
    phone = normalize_phone(raw_phone)
    offline = (
        await session.exec(
            select(Resident).where(
                Resident.phone == phone,
                col(Resident.telegram_id).is_(None),
            )
        )
    ).all()
    moved = 0
    for other in offline:
        if other.id == resident.id:
            continue
        result = await session.exec(
            update(Ticket)
            .where(col(Ticket.resident_id) == other.id)
            .values(resident_id=resident.id)
        )
        await session.exec(
            update(TicketEvent)
            .where(col(TicketEvent.actor_resident_id) == other.id)
            .values(actor_resident_id=resident.id)
        )
        count = int(result.rowcount or 0)
        moved += count
        other.phone = None  # the number now belongs to the Telegram resident
        session.add(other)
        session.add(
            AuditEntry(
                at=now,
                commune_id=other.commune_id,
                actor_telegram_id=resident.telegram_id,
                action="resident_linked",
                allowed=True,
                detail=f"resident {other.id} → {resident.id}: {count} case(s)",
            )
        )
    if resident.phone != phone:
        resident.phone = phone
        session.add(resident)
    await session.commit()
    return moved
