"""When cards come faster than a group may receive them (20 messages a minute), the pending
ones are merged into one list, instead of trickling in for an hour."""

from datetime import datetime

from aiogram.utils.i18n import gettext as _
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.parts import Outgoing, composer
from bot.ui.formatting import TELEGRAM_TEXT_LIMIT, escape, utf16_len
from bot.ui.labels import category_label, kind_label
from config.context import AppContext
from models import (
    Category,
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientKind,
    Ticket,
)

FIRST_WORDS = 8


async def merge_cards_if_flooded(
    session: AsyncSession, commune_id: int, room: int, now: datetime
) -> Notification | None:
    """If the group's pending messages exceed the `room` it has in the next minute, the
    pending cards (none partly sent) become one summary; they are marked sent, with
    {"merged_into_summary": id}. Returns the summary (not committed), or None."""
    pending = (
        await session.exec(
            select(Notification)
            .where(
                Notification.status == DeliveryStatus.PENDING,
                Notification.recipient_kind == RecipientKind.STAFF_GROUP,
                Notification.commune_id == commune_id,
            )
            .order_by(col(Notification.id))
        )
    ).all()
    if len(pending) <= room:
        return None
    cards = [
        n
        for n in pending
        if n.kind is NotificationKind.STAFF_CARD and not n.result.get("message_ids")
    ]
    if len(cards) < 2:
        return None
    summary = Notification(
        kind=NotificationKind.STAFF_SUMMARY,
        commune_id=commune_id,
        recipient_kind=RecipientKind.STAFF_GROUP,
        payload={"tickets": [n.ticket_id for n in cards], "notifications": [n.id for n in cards]},
        next_attempt_at=now,
        created_at=now,
    )
    session.add(summary)
    await session.flush()
    for card in cards:
        card.status = DeliveryStatus.SENT
        card.sent_at = now
        card.result = {"merged_into_summary": summary.id}
        session.add(card)
    return summary


def _first_words(text: str) -> str:
    words = text.split()
    head = " ".join(words[:FIRST_WORDS])
    return head + ("…" if len(words) > FIRST_WORDS else "")


@composer(NotificationKind.STAFF_SUMMARY)
async def _staff_summary(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    ids = [int(i) for i in notification.payload.get("tickets", [])]
    rows = (
        await session.exec(
            select(Ticket, Category)
            .join(Category, col(Ticket.category_id) == col(Category.id), isouter=True)
            .where(col(Ticket.id).in_(ids))
            .order_by(col(Ticket.id))
        )
    ).all()
    header = _(
        "📚 {count} new cases came in faster than Telegram lets me post cards in this group, "
        "so here they are in one list. Open them with /queue or /find:"
    ).format(count=len(rows))
    lines = [
        f"• <b>{ticket.code}</b> · {kind_label(ticket.kind)} · "
        f"{escape(category_label(category.slug if category else None, category.name if category else None))}"
        f" — {escape(_first_words(ticket.text))}"
        for ticket, category in rows
    ]
    messages: list[str] = [header]
    for line in lines:
        if utf16_len(messages[-1]) + 1 + utf16_len(line) > TELEGRAM_TEXT_LIMIT:
            messages.append(line)
        else:
            messages[-1] += "\n" + line
    return [
        Outgoing("text", {"text": text}, reply_to_first=index > 0)
        for index, text in enumerate(messages)
    ]
