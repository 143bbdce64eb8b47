"""Which channel message belongs to which ticket (cards, receipts, officers' copies)."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models import ChannelMessage, NotificationKind


async def remember(
    session: AsyncSession,
    *,
    chat_id: int,
    message_ids: list[int],
    ticket_id: int,
    notification_id: int | None,
    purpose: str,
) -> None:
    for message_id in message_ids:
        session.add(
            ChannelMessage(
                chat_id=chat_id,
                message_id=message_id,
                ticket_id=ticket_id,
                notification_id=notification_id,
                purpose=purpose,
            )
        )


STAFF_COPIES = (NotificationKind.STAFF_CARD.value, NotificationKind.STAFF_ASSIGNED.value)
RESIDENT_COPIES = (NotificationKind.RECEIPT.value, NotificationKind.TICKET_UPDATE.value)


async def ticket_of(
    session: AsyncSession, chat_id: int, message_id: int, purposes: tuple[str, ...]
) -> int | None:
    """The ticket a message is about, if the bot sent it for one of these purposes."""
    return (
        await session.exec(
            select(ChannelMessage.ticket_id).where(
                ChannelMessage.chat_id == chat_id,
                ChannelMessage.message_id == message_id,
                col(ChannelMessage.purpose).in_(purposes),
            )
        )
    ).first()


async def card_of(session: AsyncSession, ticket_id: int) -> ChannelMessage | None:
    """The first message of the ticket's staff card (the one that carries its buttons)."""
    return (
        await session.exec(
            select(ChannelMessage)
            .where(
                ChannelMessage.ticket_id == ticket_id,
                ChannelMessage.purpose == NotificationKind.STAFF_CARD.value,
            )
            .order_by(col(ChannelMessage.id))
        )
    ).first()
