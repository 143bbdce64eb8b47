"""/start and /help for staff, in private: their own help, and no residents' menu unless
they file cases of their own."""

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardMarkup, ReplyKeyboardRemove
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.keyboards import resident as keyboards
from bot.ui.staff_text import staff_help
from models import Commune, Resident
from services.people import staff

router = Router(name="staff_help")
router.message.filter(F.chat.type == "private")


async def menu_for(
    session: AsyncSession, resident: Resident
) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    """The residents' menu, unless this is staff who have filed nothing of their own."""
    if await staff.memberships(session, resident.telegram_id or 0) and not (
        await staff.files_own_cases(session, resident.id)
    ):
        return ReplyKeyboardRemove()
    return keyboards.main_menu()


async def answer_staff_help(message: Message, session: AsyncSession, resident: Resident) -> bool:
    """Staff get their help (False: not staff, the residents' help applies)."""
    members = await staff.memberships(session, resident.telegram_id or 0)
    if not members:
        return False
    communes = {m.commune_id: (await session.get(Commune, m.commune_id)) for m in members}
    names = {key: commune.name for key, commune in communes.items() if commune is not None}
    await message.answer(staff_help(members, names), reply_markup=await menu_for(session, resident))
    return True


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
