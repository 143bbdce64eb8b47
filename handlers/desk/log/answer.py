"""The answer to a citizen without Telegram (a case logged from another channel): nothing is
sent to them, so the officer says how it was given (in person, by phone, in writing) and on
which day; the desk records it with the reply or the closing."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import AnswerHow
from bot.ui.keyboards import log as kb
from bot.ui.labels import channel_label
from bot.ui.states import LogAnswer
from config.context import AppContext
from handlers.desk.actions import perform
from handlers.desk.common import explain
from handlers.replies import ON_SHOWN_MESSAGE, drop_buttons
from models import Staff, Ticket
from services.cases import intake
from services.cases.received_time import parse_received
from services.cases.tickets import AttachmentDraft
from services.desk import actions as desk
from services.desk.access import ticket_by_id_for_staff
from services.errors import DomainError, InvalidInput

router = Router(name="desk_log_answer")
router.callback_query.filter(ON_SHOWN_MESSAGE)  # an old message's press is stale
ANSWERS = ("reply", "close")


async def answer_elsewhere(
    session: AsyncSession,
    message: Message,
    state: FSMContext,
    ticket: Ticket,
    member: Staff | None,
    action: str,
    text: str,
    files: Sequence[AttachmentDraft],
    at: datetime,
) -> bool:
    """True when the case's citizen has no Telegram and the officer was asked how the answer
    was given instead (nothing done yet); False for every other case and action."""
    if action not in ANSWERS or not await intake.answered_elsewhere(session, ticket):
        return False
    await desk.may(session, member, ticket, action)
    await ask_how(message, state, ticket, action, text, [f.__dict__ for f in files], at)
    return True


async def ask_how(
    message: Message,
    state: FSMContext,
    ticket: Ticket,
    action: str,
    text: str,
    files: list[dict[str, Any]],
    at: datetime,
) -> None:
    """Instead of sending: keeps the words and asks how the answer reached the citizen."""
    assert ticket.id is not None
    await state.set_state(LogAnswer.how)
    await state.set_data(
        {
            "answer": {
                "ticket_id": ticket.id,
                "action": action,
                "text": text,
                "files": files,
                "at": at.isoformat(),
            }
        }
    )
    await message.answer(
        _(
            "{code} came in by {channel} and the citizen has no Telegram: nothing is sent to "
            "them. How was the answer given?"
        ).format(code=ticket.code, channel=channel_label(ticket.channel.value)),
        reply_markup=kb.answer_ways(ticket.id),
    )


@router.callback_query(AnswerHow.filter())
async def chosen(
    query: CallbackQuery,
    callback_data: AnswerHow,
    state: FSMContext,
    session: AsyncSession,
    ctx: AppContext,
) -> None:
    pending = (await state.get_data()).get("answer") or {}
    if pending.get("ticket_id") != callback_data.ticket_id:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    choice = callback_data.choice
    await drop_buttons(query.message)
    if choice == "cancel":
        await state.clear()
        await query.answer(_("Not recorded."))
        return
    assert isinstance(query.message, Message)
    if choice in intake.ANSWER_WAYS:
        await state.update_data(answer={**pending, "via": choice})
        await state.set_state(LogAnswer.day)
        await query.answer()
        await query.message.answer(
            _("On which day? Tap Today, or write the date (e.g. 20/11)."),
            reply_markup=kb.answer_days(callback_data.ticket_id),
        )
        return
    if "via" not in pending or choice not in ("today", "yesterday"):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    today = ctx.clock.now().astimezone(ctx.tz).date()
    day = today - timedelta(days=1) if choice == "yesterday" else today
    await query.answer()
    await _finish(query.message, query.from_user.id, state, session, ctx, pending, day)


@router.message(LogAnswer.day, F.text)
async def day_typed(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None
    pending = (await state.get_data()).get("answer") or {}
    try:
        day = parse_received(message.text or "", ctx.clock.now(), ctx.tz).astimezone(ctx.tz).date()
    except InvalidInput:
        await message.answer(_("Write a day that has passed, like 20/11, or tap Today."))
        return
    await _finish(message, message.from_user.id, state, session, ctx, pending, day)


async def _finish(
    message: Message,
    user_id: int,
    state: FSMContext,
    session: AsyncSession,
    ctx: AppContext,
    pending: dict[str, Any],
    day: Any,
) -> None:
    try:
        ticket, member = await ticket_by_id_for_staff(session, user_id, pending["ticket_id"])
        record = intake.answer_record(
            pending["via"],
            day,
            ticket.received_at.astimezone(ctx.tz).date(),
            ctx.clock.now().astimezone(ctx.tz).date(),
        )
        done = await perform(
            session,
            ctx,
            ticket,
            member,
            pending["action"],
            pending["text"],
            at=datetime.fromisoformat(pending["at"]),
            files=[AttachmentDraft(**f) for f in pending.get("files", [])],
            answered=record,
        )
    except InvalidInput as error:
        if str(error) == "answered_before_received":
            await message.answer(_("That day is before the case was received. Write another."))
            return
        await state.clear()
        await message.answer(explain(error))
        return
    except DomainError as error:
        await state.clear()
        await message.answer(explain(error))
        return
    await state.clear()
    await message.answer(done)
