"""Staff membership and authorisation: always decided from the database."""

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    ChannelMessage,
    Commune,
    DeliveryStatus,
    Notification,
    RecipientKind,
    Role,
    Staff,
    Ticket,
)
from services.errors import (
    InvalidInput,
    NotAuthorized,
    StaffChatTaken,
    StaffExists,
)
from services.text import nfc

LEADING_ROLES = frozenset({Role.LEADER, Role.ADMIN})


async def add_staff(
    session: AsyncSession,
    commune: Commune,
    *,
    telegram_id: int | None,
    role: Role,
    name: str,
    title: str | None = None,
    account_id: int | None = None,
) -> Staff:
    """A member known by their Telegram id, their desk account (services/accounts), or
    both; one of them already a member here, if removed, comes back."""
    clean_name = nfc(" ".join(name.split()))
    if not clean_name:
        raise InvalidInput("a staff member needs a name")
    if telegram_id is not None and telegram_id <= 0:
        raise InvalidInput("a Telegram user id is a positive number")
    same = [
        *([col(Staff.telegram_id) == telegram_id] if telegram_id is not None else []),
        *([col(Staff.account_id) == account_id] if account_id is not None else []),
    ]
    if not same:
        raise InvalidInput("a staff member needs a Telegram id or a login")
    existing = (
        await session.exec(select(Staff).where(Staff.commune_id == commune.id, or_(*same)))
    ).all()
    if any(member.active for member in existing):
        raise StaffExists(next(m.name for m in existing if m.active))
    if len(existing) > 1:  # a removed Telegram member and a removed desk one: two people
        raise InvalidInput("the Telegram id and the login belong to two different members")
    assert commune.id is not None
    staff = existing[0] if existing else Staff(commune_id=commune.id, name=clean_name, role=role)
    staff.name, staff.role, staff.title, staff.active = clean_name, role, title, True
    staff.telegram_id = telegram_id if telegram_id is not None else staff.telegram_id
    staff.account_id = account_id if account_id is not None else staff.account_id
    session.add(staff)
    await session.commit()
    return staff


async def memberships(session: AsyncSession, telegram_id: int) -> Sequence[Staff]:
    return (
        await session.exec(
            select(Staff)
            .where(Staff.telegram_id == telegram_id, col(Staff.active).is_(True))
            .order_by(col(Staff.commune_id))
        )
    ).all()


async def authorize(
    session: AsyncSession,
    telegram_id: int,
    commune_id: int,
    roles: Collection[Role],
    *,
    action: str,
) -> Staff:
    """The active staff member of this commune with one of these roles, or NotAuthorized.

    A refusal is recorded and committed at once: the caller changes nothing after it."""
    staff = (
        await session.exec(
            select(Staff).where(
                Staff.telegram_id == telegram_id,
                Staff.commune_id == commune_id,
                col(Staff.active).is_(True),
            )
        )
    ).first()
    if staff is None or staff.role not in roles:
        known = staff is not None or await session.get(Commune, commune_id) is not None
        session.add(
            AuditEntry(
                commune_id=commune_id if known else None,  # a forged button names no commune
                staff_id=staff.id if staff else None,
                actor_telegram_id=telegram_id,
                action=action,
                allowed=False,
                detail=None if known else f"unknown commune {commune_id}"[:200],
            )
        )
        await session.commit()
        raise NotAuthorized(action)
    return staff


async def record_refusal(
    session: AsyncSession, telegram_id: int, action: str, detail: str | None = None
) -> None:
    session.add(
        AuditEntry(actor_telegram_id=telegram_id, action=action, allowed=False, detail=detail)
    )
    await session.commit()


async def bind_staff_chat(
    session: AsyncSession, staff: Staff, commune: Commune, chat_id: int, *, now: datetime
) -> Commune:
    """A group serves several communes only when one admin of all of them says so: an admin
    of another commune binding it by mistake would put their cases before this group."""
    others = [c for c in await communes_by_staff_chat(session, chat_id) if c.id != commune.id]
    mine = await memberships(session, staff.telegram_id or 0)
    admin_of = {m.commune_id for m in mine if m.role is Role.ADMIN}
    if any(c.id not in admin_of for c in others):
        session.add(
            AuditEntry(
                commune_id=commune.id,
                staff_id=staff.id,
                actor_telegram_id=staff.telegram_id,
                action="bind_staff_chat",
                allowed=False,
                detail=f"{chat_id}: already the group of {', '.join(c.code for c in others)}",
                at=now,
            )
        )
        await session.commit()
        raise StaffChatTaken(", ".join(c.name for c in others))
    commune.staff_chat_id = chat_id
    session.add(commune)
    await session.exec(  # cards that waited for a group go out now
        update(Notification)
        .where(
            col(Notification.commune_id) == commune.id,
            col(Notification.recipient_kind) == RecipientKind.STAFF_GROUP,
            col(Notification.status) == DeliveryStatus.PENDING,
        )
        .values(next_attempt_at=now)
    )
    session.add(
        AuditEntry(
            commune_id=commune.id,
            staff_id=staff.id,
            actor_telegram_id=staff.telegram_id,
            action="bind_staff_chat",
            allowed=True,
            detail=str(chat_id),
            at=now,
        )
    )
    await session.commit()
    return commune


async def communes_by_staff_chat(session: AsyncSession, chat_id: int) -> Sequence[Commune]:
    return (await session.exec(select(Commune).where(Commune.staff_chat_id == chat_id))).all()


async def staff_of_group(session: AsyncSession, telegram_id: int, chat_id: int) -> Sequence[Staff]:
    """The person's active staff records in the communes bound to this group: being a member
    of the Telegram group grants nothing."""
    return (
        await session.exec(
            select(Staff)
            .join(Commune, col(Commune.id) == col(Staff.commune_id))
            .where(
                Staff.telegram_id == telegram_id,
                col(Staff.active).is_(True),
                Commune.staff_chat_id == chat_id,
            )
        )
    ).all()


async def move_staff_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group upgraded to a supergroup has a new id; the communes bound to it follow."""
    await session.exec(
        update(ChannelMessage)
        .where(col(ChannelMessage.chat_id) == old_chat_id)
        .values(chat_id=new_chat_id)
    )
    for commune in await communes_by_staff_chat(session, old_chat_id):
        commune.staff_chat_id = new_chat_id
        session.add(commune)
        session.add(
            AuditEntry(
                commune_id=commune.id,
                action="staff_chat_migrated",
                allowed=True,
                detail=f"{old_chat_id} -> {new_chat_id}",
            )
        )


async def list_staff(session: AsyncSession, commune: Commune) -> Sequence[Staff]:
    return (
        await session.exec(
            select(Staff)
            .where(Staff.commune_id == commune.id, col(Staff.active).is_(True))
            .order_by(col(Staff.role), col(Staff.name))
        )
    ).all()


async def files_own_cases(session: AsyncSession, resident_id: int | None) -> bool:
    """Whether this person (staff too) has sent feedback of their own, as a resident."""
    if resident_id is None:
        return False
    found = await session.exec(select(Ticket.id).where(Ticket.resident_id == resident_id).limit(1))
    return found.first() is not None
