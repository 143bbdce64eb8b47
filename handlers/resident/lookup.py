"""/mine and /status: a resident sees their own cases, and only those."""

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.compose.desk import my_ticket_keyboard
from bot.compose.parts import text_messages
from bot.ui.callbacks import TicketDetails
from bot.ui.formatting import escape, local_day
from bot.ui.keyboards import resident as keyboards
from bot.ui.labels import status_label
from bot.ui.render import status_text
from config.context import AppContext
from models import Resident, Ticket
from services.cases import tickets
from services.cases.views import load_ticket_view
from services.errors import InvalidTicketCode, TicketNotFound

router = Router(name="lookup")


@router.message(Command("mine"))
@router.message(F.text == keyboards.MENU_MINE)
async def my_cases(
    message: Message, session: AsyncSession, resident: Resident, ctx: AppContext
) -> None:
    assert resident.id is not None
    items = await tickets.list_for_resident(session, resident.id)
    if not items:
        await message.answer(
            _("You have not sent any feedback yet. Tap 📝 Send feedback to start."),
            reply_markup=keyboards.main_menu(),
        )
        return
    lines = [_("Your cases (newest first):"), ""]
    for item in items:
        lines.append(
            _("<b>{code}</b> · {status} · answer due {day}").format(
                code=item.code,
                status=status_label(item.status),
                day=local_day(item.resolve_due_at, ctx.tz),
            )
        )
    lines += ["", _("Tap a code to see the details.")]
    await message.answer("\n".join(lines), reply_markup=keyboards.my_tickets(items))


@router.message(Command("status"))
async def status(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    if not command.args:
        await message.answer(_("Send /status and the code, for example: /status PA24-0042"))
        return
    try:
        ticket = await tickets.get_for_resident(session, resident, command.args)
    except InvalidTicketCode:
        await message.answer(
            _("“{code}” is not a case code. Codes look like PA24-0042.").format(
                code=escape(command.args[:40])
            )
        )
        return
    except TicketNotFound as exc:
        await message.answer(
            _("No case {code} among the cases you sent.").format(code=escape(str(exc)))
        )
        return
    await _show(message, session, ticket, ctx)


@router.callback_query(TicketDetails.filter())
async def details(
    query: CallbackQuery,
    callback_data: TicketDetails,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    ticket = await session.get(Ticket, callback_data.ticket_id)
    if (
        ticket is None
        or ticket.resident_id != resident.id
        or not isinstance(query.message, Message)
    ):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await _show(query.message, session, ticket, ctx)


async def _show(message: Message, session: AsyncSession, ticket: Ticket, ctx: AppContext) -> None:
    assert ticket.id is not None
    view = await load_ticket_view(session, ticket.id)
    for part in text_messages(status_text(view, ctx.tz), view.text, my_ticket_keyboard(view)):
        await message.answer(**part.params)
