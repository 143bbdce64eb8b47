"""After filing: add information, withdraw, rate the answer, reopen it within 7 days."""

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import MyTicketAction, RateAnswer
from bot.ui.states import FollowUp
from config.context import AppContext
from handlers.replies import drop_buttons
from handlers.resident.drafts import attachment_of
from models import Rating, Resident, Ticket
from services.cases import follow_up
from services.cases import messages as channel_messages
from services.cases.tickets import AttachmentDraft
from services.errors import DomainError, InvalidInput, NotAuthorized, TransitionRefused

router = Router(name="follow_up")
HAS_CONTENT = F.text | F.photo | F.video | F.document | F.voice | F.audio


async def _own_ticket(session: AsyncSession, resident: Resident, ticket_id: int) -> Ticket | None:
    ticket = await session.get(Ticket, ticket_id)
    return ticket if ticket is not None and ticket.resident_id == resident.id else None


async def _followed(state: FSMContext, session: AsyncSession, resident: Resident) -> Ticket | None:
    """The case the resident was asked about; the question is over either way."""
    ticket_id = (await state.get_data()).get("follow_ticket", 0)
    await state.clear()
    return await _own_ticket(session, resident, ticket_id)


def _files(message: Message) -> list[AttachmentDraft]:
    item = attachment_of(message)
    return [AttachmentDraft(**item)] if item else []


def _why_not(error: DomainError) -> str:
    if isinstance(error, TransitionRefused):
        return _("This case is closed, so it cannot be changed any more. Send /new for a new one.")
    if isinstance(error, InvalidInput):
        return _("Please write a few words, or send a photo.")
    return _("This button is no longer active.")


async def _add(
    message: Message, session: AsyncSession, resident: Resident, ctx: AppContext, ticket: Ticket
) -> None:
    try:
        await follow_up.add_info(
            session,
            ticket,
            resident,
            message.text or message.caption,
            at=message.date,
            now=ctx.clock.now(),
            files=_files(message),
        )
    except DomainError as error:
        await message.answer(_why_not(error))
        return
    await message.answer(_("📎 Added to {code}; the staff can see it.").format(code=ticket.code))


@router.callback_query(MyTicketAction.filter())
async def my_ticket_action(
    query: CallbackQuery,
    callback_data: MyTicketAction,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    ticket = await _own_ticket(session, resident, callback_data.ticket_id)
    if ticket is None or not isinstance(query.message, Message):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    action = callback_data.action
    if action == "add":
        await state.set_state(FollowUp.adding)
        await state.update_data(follow_ticket=ticket.id)
        await query.answer()
        await query.message.answer(
            _("Write what you want to add to {code}, or send photos. /cancel to stop.").format(
                code=ticket.code
            )
        )
    elif action == "withdraw":
        await query.answer()
        confirm = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("Yes, withdraw it"),
                        callback_data=MyTicketAction(
                            ticket_id=ticket.id or 0, action="withdraw_yes"
                        ).pack(),
                    ),
                    InlineKeyboardButton(
                        text=_("✖️ No"),
                        callback_data=MyTicketAction(
                            ticket_id=ticket.id or 0, action="keep"
                        ).pack(),
                    ),
                ]
            ]
        )
        await query.message.answer(
            _("Withdraw {code}? The commune will stop handling it.").format(code=ticket.code),
            reply_markup=confirm,
        )
    elif action == "withdraw_yes":
        try:
            await follow_up.withdraw(
                session, ticket, resident, at=ctx.clock.now(), now=ctx.clock.now()
            )
        except DomainError as error:
            await query.answer(_why_not(error), show_alert=True)
            return
        await query.answer()
        await drop_buttons(query.message)
        await query.message.answer(
            _("↩️ {code} is withdrawn. The commune has been told.").format(code=ticket.code)
        )
    elif action == "keep":
        await query.answer(_("Nothing changed."))
        await drop_buttons(query.message)
    elif action == "reopen":
        if not follow_up.can_reopen(ticket, ctx.clock.now()):
            await query.answer(_why_not(TransitionRefused()), show_alert=True)
            return
        await state.set_state(FollowUp.reopen_reason)
        await state.update_data(follow_ticket=ticket.id)
        await query.answer()
        await query.message.answer(
            _("Please tell us what is still not right with {code}.").format(code=ticket.code)
        )
    else:
        await query.answer(_("This button is no longer active."), show_alert=True)


@router.message(FollowUp.adding, HAS_CONTENT)
async def adding(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident, ctx: AppContext
) -> None:
    ticket = await _followed(state, session, resident)
    if ticket is not None:
        await _add(message, session, resident, ctx, ticket)


@router.message(FollowUp.reopen_reason, F.text)
async def reopen_reason(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident, ctx: AppContext
) -> None:
    ticket = await _followed(state, session, resident)
    if ticket is None:
        return
    try:
        await follow_up.reopen(
            session, ticket, resident, message.text or "", at=message.date, now=ctx.clock.now()
        )
    except DomainError as error:
        await message.answer(_why_not(error))
        return
    await message.answer(
        _("🔁 {code} is open again; the commune will look at it once more.").format(
            code=ticket.code
        )
    )


@router.message(FollowUp.comment, F.text)
async def commented(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident, ctx: AppContext
) -> None:
    ticket = await _followed(state, session, resident)
    if ticket is None:
        return
    try:
        await follow_up.comment(
            session, ticket, resident, message.text or "", at=message.date, now=ctx.clock.now()
        )
    except DomainError as error:
        await message.answer(_why_not(error))
        return
    await message.answer(_("Thank you, the commune will read it."))


@router.callback_query(RateAnswer.filter())
async def rated(
    query: CallbackQuery,
    callback_data: RateAnswer,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    ticket = await _own_ticket(session, resident, callback_data.ticket_id)
    try:
        if ticket is None:
            raise NotAuthorized("rate")
        level = Rating(callback_data.level)
        await follow_up.rate(session, ticket, resident, level, at=ctx.clock.now())
    except (DomainError, ValueError) as error:
        await query.answer(
            _why_not(error)
            if isinstance(error, DomainError)
            else _("This button is no longer active."),
            show_alert=True,
        )
        return
    await query.answer(_("Thank you for your rating!"))
    await drop_buttons(query.message)
    if isinstance(query.message, Message):
        await state.set_state(FollowUp.comment)
        await state.update_data(follow_ticket=ticket.id)
        await query.message.answer(
            _("Thank you! If you like, write a few words about the answer (or send /cancel).")
        )
    if (
        level is Rating.UNSATISFIED
        and follow_up.can_reopen(ticket, ctx.clock.now())
        and isinstance(query.message, Message)
    ):
        offer = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=_("🔁 Ask the commune to look again"),
                        callback_data=MyTicketAction(
                            ticket_id=ticket.id or 0, action="reopen"
                        ).pack(),
                    ),
                ]
            ]
        )
        await query.message.answer(
            _(
                "Sorry the answer did not satisfy you. Within 7 days you can ask the commune to look at {code} again."
            ).format(code=ticket.code),
            reply_markup=offer,
        )


@router.message(F.reply_to_message, HAS_CONTENT)
async def reply_to_receipt(
    message: Message, session: AsyncSession, resident: Resident, ctx: AppContext
) -> None:
    """Replying to the receipt (or any message about a case) adds to that case."""
    assert message.reply_to_message is not None
    ticket_id = await channel_messages.ticket_of(
        session,
        message.chat.id,
        message.reply_to_message.message_id,
        channel_messages.RESIDENT_COPIES,
    )
    ticket = await _own_ticket(session, resident, ticket_id) if ticket_id else None
    if ticket is None:
        raise SkipHandler
    await _add(message, session, resident, ctx, ticket)
