"""Buttons on the staff card. Actions that need words continue in a private chat."""

import contextlib

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import AssignTo, DeskAction, RejectWith
from bot.ui.card import assignee_keyboard, card_keyboard, reject_keyboard
from bot.ui.states import DeskInput
from config.context import AppContext
from handlers.desk.actions import perform
from handlers.desk.common import explain, pressed_in_group
from handlers.desk.templates import template_buttons
from handlers.replies import send_privately
from models import RejectReason, Staff, Ticket
from services.cases import intake
from services.cases.views import load_ticket_view
from services.desk import actions as desk
from services.desk.access import assignable, ticket_by_id_for_staff
from services.desk.templates import templates_for
from services.errors import DomainError, NotAuthorized

router = Router(name="desk_buttons")
# what a card's buttons say; anything else is an old or forged button
CARD_ACTIONS = frozenset({
    "ack", "take", "assign", "back", "reply", "close", "forward", "reject", "extend", "note",
    "merge",
})  # fmt: skip


def prompt_text(action: str, code: str) -> str:
    texts = {
        "reply": _(
            "💬 Write the answer for {code} (text or photos). It goes to the resident, signed by the office."
        ),
        "close": _(
            "✔️ Write the result for {code}. The resident receives it and the case is closed."
        ),
        "forward": _(
            "↪️ Write the competent body for {code} on the first line, and why on the next."
        ),
        "reject": _("⛔ Write why {code} is not accepted. The resident receives it."),
        "extend": _(
            "⏳ Write the new due date for {code} (dd/mm/yyyy, or +N working days) and the reason, e.g.: +5 Waiting for the survey"
        ),
        "note": _("📝 Write an internal note for {code}. The resident never sees it."),
        "merge": _("🔗 Write the code of the case {code} duplicates, e.g. PA24-0040."),
    }
    return texts[action].format(code=code) + "\n" + _("Send /cancel to stop.")


async def ask_in_private(
    query: CallbackQuery,
    state: FSMContext,
    bot: Bot,
    session: AsyncSession,
    ticket_id: int,
    code: str,
    action: str,
    reason: str = RejectReason.OTHER.value,
) -> None:
    user = query.from_user.id
    private = FSMContext(
        storage=state.storage,
        key=StorageKey(bot_id=bot.id, chat_id=user, user_id=user),
    )
    await private.set_state(DeskInput.waiting)  # before the question: the answer may be quick
    await private.set_data({"ticket_id": ticket_id, "action": action, "reason": reason})
    canned = None
    prompt = prompt_text(action, code)
    if action in ("reply", "close"):
        ticket = await session.get(Ticket, ticket_id)
        if ticket is not None:
            offered = list(await templates_for(session, ticket.commune_id, ticket.category_id))
            canned = template_buttons(ticket_id, offered)
            if await intake.answered_elsewhere(session, ticket):  # nothing will be sent to them
                prompt = (
                    _(
                        "Write the answer given to the citizen for {code}; then say how and when "
                        "it was given."
                    ).format(code=code)
                    + "\n"
                    + _("Send /cancel to stop.")
                )
    if not await send_privately(query, prompt, reply_markup=canned):
        await private.clear()
        return
    in_private = query.message is not None and query.message.chat.id == user
    await query.answer(None if in_private else _("Continue in your private chat with me."))


@router.callback_query(DeskAction.filter())
async def on_card_button(
    query: CallbackQuery,
    callback_data: DeskAction,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    ctx: AppContext,
) -> None:
    action = callback_data.action
    if action not in CARD_ACTIONS:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    try:
        ticket, member = await ticket_by_id_for_staff(
            session, query.from_user.id, callback_data.ticket_id, pressed_in_group(query)
        )
        if action in ("ack", "take"):
            done = await perform(session, ctx, ticket, member, action, "", at=ctx.clock.now())
            await query.answer(done)
            return
        await desk.may(session, member, ticket, action)
    except DomainError as error:
        await query.answer(explain(error)[:200], show_alert=True)
        return
    message = query.message
    if action in ("assign", "reject", "back") and isinstance(message, Message):
        markup: InlineKeyboardMarkup | None
        if action == "assign":
            people = await assignable(session, ticket.commune_id)
            markup = assignee_keyboard(ticket.id or 0, people)
        elif action == "reject":
            markup = reject_keyboard(ticket.id or 0)
        else:
            markup = card_keyboard(await load_ticket_view(session, ticket.id or 0))
        await query.answer()
        with contextlib.suppress(TelegramBadRequest):
            await message.edit_reply_markup(reply_markup=markup)
        return
    await ask_in_private(query, state, bot, session, ticket.id or 0, ticket.code, action)


@router.callback_query(AssignTo.filter())
async def on_assignee(
    query: CallbackQuery, callback_data: AssignTo, session: AsyncSession, ctx: AppContext
) -> None:
    try:
        ticket, member = await ticket_by_id_for_staff(
            session, query.from_user.id, callback_data.ticket_id, pressed_in_group(query)
        )
        assignee = await session.get(Staff, callback_data.staff_id)
        if assignee is None:
            raise NotAuthorized("assign")
        await desk.assign(
            session, ticket, member, assignee, at=ctx.clock.now(), now=ctx.clock.now()
        )
    except DomainError as error:
        await query.answer(explain(error)[:200], show_alert=True)
        return
    await query.answer(
        _("👤 {code} assigned to {name}.").format(code=ticket.code, name=assignee.name)
    )


@router.callback_query(RejectWith.filter())
async def on_reject_reason(
    query: CallbackQuery,
    callback_data: RejectWith,
    session: AsyncSession,
    state: FSMContext,
    bot: Bot,
    ctx: AppContext,
) -> None:
    try:
        reason = RejectReason(callback_data.reason)
        ticket, member = await ticket_by_id_for_staff(
            session, query.from_user.id, callback_data.ticket_id, pressed_in_group(query)
        )
        if reason is RejectReason.OTHER:
            await desk.may(session, member, ticket, "reject")
            await ask_in_private(
                query, state, bot, session, ticket.id or 0, ticket.code, "reject", reason.value
            )
            return
        done = await perform(
            session, ctx, ticket, member, "reject", "", at=ctx.clock.now(), reason=reason
        )
    except (DomainError, ValueError) as error:
        text = (
            explain(error)
            if isinstance(error, DomainError)
            else _("This button is no longer active.")
        )
        await query.answer(text[:200], show_alert=True)
        return
    await query.answer(done[:200])
