"""Words a staff member sends after tapping a card button, and replies written under a
card (asked once before they go to the resident)."""

from datetime import datetime
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import ConfirmReply, DeskAction
from bot.ui.states import DeskInput
from config.context import AppContext
from handlers.desk.actions import perform
from handlers.desk.common import explain, pressed_in_group
from handlers.desk.log.answer import answer_elsewhere
from handlers.replies import drop_buttons
from handlers.resident.drafts import attachment_of
from models import RejectReason, Ticket
from services.cases import intake
from services.cases import messages as channel_messages
from services.cases.tickets import AttachmentDraft
from services.desk.access import ticket_by_id_for_staff
from services.errors import DomainError, InvalidInput

router = Router(name="desk_input")
HAS_CONTENT = F.text | F.photo | F.video | F.document | F.voice | F.audio


def _files(message: Message) -> list[AttachmentDraft]:
    item = attachment_of(message)
    return [AttachmentDraft(**item)] if item else []


@router.message(DeskInput.waiting, F.chat.type == "private", HAS_CONTENT)
async def words_after_button(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None
    data = await state.get_data()
    text = message.text or message.caption or ""
    try:
        ticket, member = await ticket_by_id_for_staff(
            session, message.from_user.id, data["ticket_id"]
        )
        if await answer_elsewhere(
            session,
            message,
            state,
            ticket,
            member,
            data["action"],
            text,
            _files(message),
            message.date,
        ):
            return  # a citizen without Telegram: how was it given? (log_answer.py)
        done = await perform(
            session,
            ctx,
            ticket,
            member,
            data["action"],
            text,
            at=message.date,
            files=_files(message),
            reason=RejectReason(data.get("reason", "other")),
        )
    except InvalidInput as error:
        await message.answer(explain(error))  # still waiting: they can write it again
        return
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error))
        return
    await state.clear()
    await message.answer(done)


def _is_reply_to_bot(message: Message) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.is_bot)


async def _card_of(session: AsyncSession, message: Message) -> int | None:
    """The case of a card not recorded yet, from the card's own buttons. The outbox records
    which case a card is about once Telegram has confirmed it; a reply that reaches the bot
    before that commit (a quick reader, a database slow to commit) is still about the card.
    Only a case the writer may see from this chat counts."""
    assert message.reply_to_message is not None and message.from_user is not None
    markup = message.reply_to_message.reply_markup
    buttons = [b for row in markup.inline_keyboard for b in row] if markup else []
    group = message.chat.id if message.chat.type != "private" else None
    for button in buttons:
        try:
            ticket_id = int(DeskAction.unpack(button.callback_data or "").ticket_id)
        except (TypeError, ValueError):  # another kind of button
            continue
        try:
            _ticket, member = await ticket_by_id_for_staff(
                session, message.from_user.id, ticket_id, group
            )
        except DomainError:  # not a case of this group's communes
            return None
        return ticket_id if member.id is not None else None  # staff of its commune only
    return None


@router.message(F.reply_to_message, HAS_CONTENT, _is_reply_to_bot)
async def reply_under_card(message: Message, state: FSMContext, session: AsyncSession) -> None:
    """A reply to a card (or an officer's copy) is an answer for the resident — after one
    confirmation, so a remark among colleagues never reaches a resident by mistake."""
    assert message.reply_to_message is not None and message.from_user is not None
    ticket_id = await channel_messages.ticket_of(
        session,
        message.chat.id,
        message.reply_to_message.message_id,
        channel_messages.STAFF_COPIES,
    ) or await _card_of(session, message)
    if ticket_id is None:
        raise SkipHandler  # not a card: someone else's business (e.g. a resident's receipt)
    data = await state.get_data()
    pending: dict[str, Any] = data.get("pending_reply") or {}
    group = message.media_group_id
    if pending.get("ticket_id") == ticket_id and group and pending.get("media_group") == group:
        pending["files"] = [*pending["files"], *[f.__dict__ for f in _files(message)]]
        await state.update_data(pending_reply=pending)
        return  # the rest of an album: one question is enough
    pending = {
        "ticket_id": ticket_id,
        "text": message.text or message.caption or "",
        "files": [f.__dict__ for f in _files(message)],
        "media_group": group,
        "at": message.date.isoformat(),
    }
    await state.update_data(pending_reply=pending)
    ticket = await session.get(Ticket, ticket_id)
    if ticket is not None and await intake.answered_elsewhere(session, ticket):
        question, send = _("Record this as the answer given to the citizen?"), _("📝 Record")
    else:
        question, send = (
            _("Send this as the office's answer to the resident?"),
            _("📤 Send to the resident"),
        )
    buttons = [
        [
            InlineKeyboardButton(
                text=send,
                callback_data=ConfirmReply(ticket_id=ticket_id, send=True).pack(),
            ),
            InlineKeyboardButton(
                text=_("✖️ No"), callback_data=ConfirmReply(ticket_id=ticket_id, send=False).pack()
            ),
        ]
    ]
    await message.reply(
        question,
        reply_markup=InlineKeyboardMarkup(inline_keyboard=buttons),
    )


@router.callback_query(ConfirmReply.filter())
async def confirm_reply(
    query: CallbackQuery,
    callback_data: ConfirmReply,
    state: FSMContext,
    session: AsyncSession,
    ctx: AppContext,
) -> None:
    data = await state.get_data()
    pending = data.get("pending_reply") or {}
    if pending.get("ticket_id") != callback_data.ticket_id:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await state.update_data(pending_reply=None)
    await drop_buttons(query.message)
    if not callback_data.send:
        await query.answer(_("Not sent."))
        return
    try:
        ticket, member = await ticket_by_id_for_staff(
            session, query.from_user.id, callback_data.ticket_id, pressed_in_group(query)
        )
        files = [AttachmentDraft(**f) for f in pending["files"]]
        at = datetime.fromisoformat(pending["at"])
        if isinstance(query.message, Message) and await answer_elsewhere(
            session, query.message, state, ticket, member, "reply", pending["text"], files, at
        ):
            await query.answer()
            return  # a citizen without Telegram: how was it given? (log_answer.py)
        done = await perform(
            session, ctx, ticket, member, "reply", pending["text"], at=at, files=files
        )
    except DomainError as error:
        await query.answer(explain(error)[:200], show_alert=True)
        return
    await query.answer(done[:200])
