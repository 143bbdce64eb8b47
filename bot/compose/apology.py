"""Words of the apology letter (thư xin lỗi): the draft a leader approves or edits, the
letter the resident receives, and the draft's buttons removed once it is sent."""

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.parts import Outgoing, composer, text_messages
from bot.ui.callbacks import ApologyAction
from bot.ui.formatting import escape, local_day
from bot.ui.render import commune_office
from config.context import AppContext
from models import (
    ApologyLetter,
    ChannelMessage,
    LetterStatus,
    Notification,
    NotificationKind,
    Staff,
    Ticket,
)
from services.cases.views import load_ticket_view


def letter_keyboard(letter: ApologyLetter) -> InlineKeyboardMarkup:
    def button(text: str, action: str) -> InlineKeyboardButton:
        data = ApologyAction(letter_id=letter.id or 0, version=letter.version, action=action)
        return InlineKeyboardButton(text=text, callback_data=data.pack())

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(_("✅ Approve and send"), "approve"), button(_("✏️ Change"), "edit")]
        ]
    )


async def _letter(session: AsyncSession, notification: Notification) -> ApologyLetter:
    letter = await session.get(ApologyLetter, notification.payload["letter_id"])
    assert letter is not None
    return letter


async def sent_header(session: AsyncSession, letter: ApologyLetter, code: str) -> str:
    who = await session.get(Staff, letter.approved_by_id) if letter.approved_by_id else None
    return _(
        "✅ The apology letter for {code} was approved by {name} and sent to the resident:"
    ).format(code=f"<b>{code}</b>", name=escape(who.name if who else ""))


@composer(NotificationKind.APOLOGY_DRAFT)
async def _draft(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    """To a leader, in private: the letter as it stands now, with its two buttons."""
    letter = await _letter(session, notification)
    ticket = await session.get(Ticket, letter.ticket_id)
    assert ticket is not None
    code = f"<b>{ticket.code}</b>"
    if letter.status is LetterStatus.SENT:  # approved before this copy went out
        return text_messages(await sent_header(session, letter, ticket.code), letter.text, None)
    if notification.payload.get("edited"):
        header = _("✏️ The apology letter for {code} now reads as below. Send it to the resident?")
        header = header.format(code=code)
    else:
        header = _(
            "✉️ Case {code} is past its answer deadline ({day}). Here is a draft apology letter "
            "to the resident. Check it, the reason above all, then approve it or change it:"
        ).format(code=code, day=local_day(ticket.resolve_due_at, ctx.tz))
    return text_messages(header, letter.text, letter_keyboard(letter))


@composer(NotificationKind.APOLOGY_DONE)
async def _done(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    """The leader's copies of the draft, edited in place: sent, by whom, no buttons."""
    letter = await _letter(session, notification)
    leader = await session.get(Staff, notification.recipient_id)
    ticket = await session.get(Ticket, letter.ticket_id)
    if leader is None or leader.telegram_id is None or ticket is None:
        return []
    copies = (
        await session.exec(
            select(ChannelMessage)
            .where(
                ChannelMessage.ticket_id == letter.ticket_id,
                ChannelMessage.chat_id == leader.telegram_id,
                ChannelMessage.purpose == NotificationKind.APOLOGY_DRAFT.value,
            )
            .order_by(col(ChannelMessage.id))
        )
    ).all()
    header = await sent_header(session, letter, ticket.code)
    text = text_messages(header, letter.text, None)[0].params["text"]
    return [
        Outgoing("edit_text", {"chat_id": c.chat_id, "message_id": c.message_id, "text": text})
        for c in copies
    ]


@composer(NotificationKind.APOLOGY_LETTER)
async def _to_resident(
    session: AsyncSession, notification: Notification, ctx: AppContext
) -> list[Outgoing]:
    letter = await _letter(session, notification)
    view = await load_ticket_view(session, letter.ticket_id)
    header = _("✉️ A letter from {office} about your case {code}:").format(
        office=escape(commune_office(view)), code=f"<b>{view.code}</b>"
    )
    return text_messages(header, letter.text, None)
