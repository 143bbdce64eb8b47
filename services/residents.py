"""Residents as the channels know them."""

import re
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Commune, Resident
from services.errors import InvalidInput

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


async def get_or_create_by_telegram(
    session: AsyncSession, telegram_id: int, *, full_name: str | None, username: str | None
) -> Resident:
    """Keeps the name Telegram shows in step with the account; commits only on change."""
    resident = (
        await session.exec(select(Resident).where(Resident.telegram_id == telegram_id))
    ).first()
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
