"""When Telegram says a staff chat can no longer be reached: the group was lost (the bot
was removed), or an officer blocked the bot. Cards wait; the right people are told."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    Notification,
    NotificationKind,
    RecipientKind,
    Role,
    Staff,
    Superior,
)
from services.desk.reminders import leaders
from services.people.staff import communes_by_staff_chat


async def staff_group_lost(session: AsyncSession, chat_id: int, *, now: datetime) -> None:
    """Unbind the group; admins hear it in private; cards wait in the outbox for /bind."""
    for commune in await communes_by_staff_chat(session, chat_id):
        commune.staff_chat_id = None
        session.add(commune)
        session.add(
            AuditEntry(
                commune_id=commune.id,
                action="staff_chat_lost",
                allowed=True,
                detail=str(chat_id),
                at=now,
            )
        )
        admins = (
            await session.exec(
                select(Staff).where(
                    Staff.commune_id == commune.id,
                    Staff.role == Role.ADMIN,
                    col(Staff.active).is_(True),
                )
            )
        ).all()
        for admin in admins:
            assert commune.id is not None
            session.add(
                Notification(
                    kind=NotificationKind.STAFF_ALERT,
                    commune_id=commune.id,
                    recipient_kind=RecipientKind.STAFF,
                    recipient_id=admin.id,
                    payload={"alert": "group_lost"},
                    next_attempt_at=now,
                    created_at=now,
                )
            )


async def staff_blocked_bot(session: AsyncSession, staff_id: int | None, *, now: datetime) -> None:
    """The group hears that an officer can no longer be reached; their cases stay visible."""
    member = await session.get(Staff, staff_id) if staff_id else None
    if member is None:
        return
    session.add(
        Notification(
            kind=NotificationKind.STAFF_ALERT,
            commune_id=member.commune_id,
            recipient_kind=RecipientKind.STAFF_GROUP,
            payload={"alert": "staff_blocked", "staff_name": member.name},
            next_attempt_at=now,
            created_at=now,
        )
    )


async def superior_unreachable(
    session: AsyncSession, superior: Superior, via: str, error: str, *, now: datetime
) -> None:
    """A report could not reach the superior level (the bot is not in its chat, or its mail
    server refuses the address): the commune's leaders hear it, so they send it another way."""
    session.add(
        AuditEntry(
            commune_id=superior.commune_id,
            action="superior_unreachable",
            allowed=True,
            detail=f"{superior.id} {via}: {error}"[:500],
            at=now,
        )
    )
    for leader in await leaders(session, superior.commune_id):
        session.add(
            Notification(
                kind=NotificationKind.STAFF_ALERT,
                commune_id=superior.commune_id,
                recipient_kind=RecipientKind.STAFF,
                recipient_id=leader.id,
                payload={
                    "alert": "superior_unreachable",
                    "superior": superior.name,
                    "via": via,
                    "error": error[:300],
                },
                next_attempt_at=now,
                created_at=now,
            )
        )
