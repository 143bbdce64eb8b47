"""A message that failed too often is set aside, and the commune's admins hear of it."""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    Role,
    Staff,
    Ticket,
)


async def park(
    session: AsyncSession, notification: Notification, error: str, now: datetime
) -> None:
    """Marks it FAILED and queues an alert to every active admin (not committed). Alerts
    themselves are never alerted about, so a broken connection cannot feed on itself."""
    notification.status = DeliveryStatus.FAILED
    notification.last_error = error[:500]
    session.add(notification)
    if notification.kind is NotificationKind.STAFF_ALERT:
        return
    ticket = await session.get(Ticket, notification.ticket_id) if notification.ticket_id else None
    admins = (
        await session.exec(
            select(Staff).where(
                Staff.commune_id == notification.commune_id,
                Staff.role == Role.ADMIN,
                col(Staff.active).is_(True),
            )
        )
    ).all()
    for admin in admins:
        session.add(
            Notification(
                kind=NotificationKind.STAFF_ALERT,
                commune_id=notification.commune_id,
                ticket_id=notification.ticket_id,
                recipient_kind=RecipientKind.STAFF,
                recipient_id=admin.id,
                payload={
                    "alert": "parked",
                    "notification_id": notification.id,
                    "kind": notification.kind.value,
                    "recipient": notification.recipient_kind.value,
                    "code": ticket.code if ticket else None,
                    "attempts": notification.attempts,
                    "error": error[:200],
                },
                next_attempt_at=now,
                created_at=now,
            )
        )
