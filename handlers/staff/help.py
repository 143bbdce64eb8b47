"""/start and /help for staff, in private: their own help, and no residents' menu unless
they file cases of their own."""

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.keyboards import resident as keyboards
from handlers.menu import answer_staff_help
from models import Resident
from services.people import staff

router = Router(name="staff_help")
router.message.filter(F.chat.type == "private")


@router.message(CommandStart())
async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
) -> None:
    if command.args or not await staff.memberships(session, resident.telegram_id or 0):
        raise SkipHandler  # a link to a commune, or a resident: the residents' /start
    await state.clear()
    await answer_staff_help(message, session, resident)


@router.message(Command("help"))
@router.message(F.text == keyboards.MENU_HELP)
async def help_command(message: Message, session: AsyncSession, resident: Resident) -> None:
    if not await answer_staff_help(message, session, resident):
        raise SkipHandler
