"""A commune's report settings: who receives its reports (the superior level), how they
are signed and scheduled, and the sections it wrote itself. Nothing here is hard-coded to
the district or the province: each commune names its own superior level."""

import re
from collections.abc import Sequence
from datetime import date, time

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ReportSection, ReportSettings, SignerRole, Superior
from models.base import utcnow
from services.errors import InvalidInput
from services.reporting.placeholders import check as check_text
from services.text import nfc

SECTIONS = ("basis", "direction", "situation", "results", "difficulties", "proposals", "closing")
CHANNEL_SCOPES = ("all", "digital")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


async def settings_for(session: AsyncSession, commune_id: int) -> ReportSettings:
    """The commune's row, or the defaults (not added to the session) when it has none."""
    found = await session.get(ReportSettings, commune_id)
    return found if found is not None else ReportSettings(commune_id=commune_id)


async def superiors_for(session: AsyncSession, commune_id: int) -> Sequence[Superior]:
    return (
        await session.exec(
            select(Superior)
            .where(Superior.commune_id == commune_id, col(Superior.active))
            .order_by(col(Superior.position), col(Superior.id))
        )
    ).all()


async def section_overrides(session: AsyncSession, commune_id: int) -> dict[str, str]:
    rows = (
        await session.exec(select(ReportSection).where(ReportSection.commune_id == commune_id))
    ).all()
    return {row.section: row.body for row in rows}


def parse_time(raw: str) -> time:
    try:
        hour, minute = (int(part) for part in raw.split(":"))
        return time(hour, minute)
    except ValueError as exc:
        raise InvalidInput(f"{raw!r}: use HH:MM") from exc


def _month_day(raw: str) -> str:
    try:
        month, day = (int(part) for part in raw.split("-"))
        date(2023, month, day)  # a common year: 29/02 would not come every year
    except ValueError as exc:
        raise InvalidInput(f"{raw!r}: use MM-DD") from exc
    return f"{month:02d}-{day:02d}"


async def update_settings(
    session: AsyncSession,
    commune_id: int,
    *,
    place_name: str | None = None,
    signer_name: str | None = None,
    signer_role: str | None = None,
    copy_lines: str | None = None,
    monthly_day: int | None = None,
    send_time: str | None = None,
    annual_on: str | None = None,
    monthly_channels: str | None = None,
    annual_channels: str | None = None,
) -> ReportSettings:
    """Changes what is given; an empty string clears a text setting back to its default."""
    row = await session.get(ReportSettings, commune_id) or ReportSettings(commune_id=commune_id)
    if place_name is not None:
        row.place_name = nfc(place_name).strip() or None
    if signer_name is not None:
        row.signer_name = nfc(signer_name).strip() or None
    if signer_role is not None:
        try:
            row.signer_role = SignerRole(signer_role)
        except ValueError as exc:
            raise InvalidInput(f"signer role: {', '.join(r.value for r in SignerRole)}") from exc
    if copy_lines is not None:
        row.copy_lines = nfc(copy_lines).strip() or None
    if monthly_day is not None:
        if not 1 <= monthly_day <= 28:
            raise InvalidInput("monthly day: 1 to 28")
        row.monthly_day = monthly_day
    if send_time is not None:
        row.send_time = parse_time(send_time).strftime("%H:%M")
    if annual_on is not None:
        row.annual_on = _month_day(annual_on)
    for name, value in (
        ("monthly_channels", monthly_channels),
        ("annual_channels", annual_channels),
    ):
        if value is not None:
            if value not in CHANNEL_SCOPES:
                raise InvalidInput(f"{name}: all or digital")
            setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    await session.commit()
    return row


async def add_superior(
    session: AsyncSession,
    commune_id: int,
    name: str,
    *,
    short_name: str | None = None,
    addressed: bool = True,
    copied: bool = True,
    telegram_chat_id: int | None = None,
    email: str | None = None,
) -> Superior:
    name = nfc(name).strip()
    if not name:
        raise InvalidInput("the superior level needs a name")
    if len(name) > 200 or (short_name and len(short_name) > 120) or len(email or "") > 254:
        raise InvalidInput("too long: name 200, short name 120, e-mail 254 characters at most")
    if email is not None and not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an e-mail address")
    existing = await superiors_for(session, commune_id)
    superior = Superior(
        commune_id=commune_id,
        position=max((s.position for s in existing), default=-1) + 1,
        name=name,
        short_name=nfc(short_name).strip() or None if short_name else None,
        addressed=addressed,
        copied=copied,
        telegram_chat_id=telegram_chat_id,
        email=email,
    )
    session.add(superior)
    await session.commit()
    return superior


async def remove_superior(session: AsyncSession, commune_id: int, superior_id: int) -> Superior:
    superior = await session.get(Superior, superior_id)
    if superior is None or superior.commune_id != commune_id or not superior.active:
        raise InvalidInput(f"no superior level {superior_id} for this commune")
    superior.active = False
    session.add(superior)
    await session.commit()
    return superior


async def set_section(
    session: AsyncSession, commune_id: int, section: str, body: str | None
) -> None:
    """A commune's own text for a section; None (or blank) goes back to the default.
    SectionTextRefused (nothing changed) for a text with an unknown placeholder or any
    template code."""
    if section not in SECTIONS:
        raise InvalidInput(f"section: {', '.join(SECTIONS)}")
    text = nfc(body).strip() if body else ""
    check_text(text)
    row = (
        await session.exec(
            select(ReportSection).where(
                ReportSection.commune_id == commune_id, ReportSection.section == section
            )
        )
    ).first()
    if not text:
        if row is not None:
            await session.delete(row)
    else:
        row = row or ReportSection(commune_id=commune_id, section=section, body=text)
        row.body, row.updated_at = text, utcnow()
        session.add(row)
    await session.commit()


async def move_superior_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A superior's group upgraded to a supergroup has a new id; its reports follow."""
    rows = (
        await session.exec(select(Superior).where(Superior.telegram_chat_id == old_chat_id))
    ).all()
    for superior in rows:
        superior.telegram_chat_id = new_chat_id
        session.add(superior)
