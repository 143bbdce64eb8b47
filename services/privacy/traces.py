"""What ties an erased resident's Telegram chat to their cases, outside the cases themselves:
the messages the bot sent them and kept track of, what Telegram answered when it sent them,
the updates they sent, their half-filled conversation, the refusals logged under their id.

tests/services/privacy/test_every_column.py lists every column of the database and says
which may hold a person's identifiers; a new one fails it until it is placed."""

from sqlalchemy import delete, or_, update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from models import (
    AuditEntry,
    ChannelMessage,
    ConversationState,
    DeliveryStatus,
    InboxUpdate,
    Notification,
    RecipientKind,
)
from services.cases.messages import STAFF_COPIES


async def forget_channel(session: AsyncSession, resident_id: int, chat: int | None) -> None:
    """Messages still to go to them are cancelled; what links their chat to cases is gone."""
    theirs = (
        col(Notification.recipient_kind) == RecipientKind.RESIDENT,
        col(Notification.recipient_id) == resident_id,
    )
    await session.exec(
        update(Notification)
        .where(*theirs, col(Notification.status) == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED, last_error="erased at the resident's request")
    )
    # what Telegram answered: their chat id and the ids of the messages in it
    await session.exec(update(Notification).where(*theirs).values(result={}))
    if chat is None:
        return
    await session.exec(  # their receipts and updates; a staff member's own copies stay
        delete(ChannelMessage).where(
            col(ChannelMessage.chat_id) == chat, col(ChannelMessage.purpose).not_in(STAFF_COPIES)
        )
    )
    # the updates they sent: the row stays (a redelivery is still recognised), not whose it
    # was; a done update's payload is gone already, and this one's goes when it is marked
    await session.exec(
        update(InboxUpdate).where(col(InboxUpdate.chat_id) == chat).values(chat_id=None)
    )
    await session.exec(  # aiogram's keys: fsm:<chat>:<user>:<destiny>
        delete(ConversationState).where(
            or_(
                col(ConversationState.key).like(f"fsm:{chat}:%"),
                col(ConversationState.key).like(f"fsm:%:{chat}:%"),
            )
        )
    )
    await session.exec(
        update(AuditEntry)
        .where(col(AuditEntry.actor_telegram_id) == chat, col(AuditEntry.staff_id).is_(None))
        .values(actor_telegram_id=None)
    )
