"""The residents' main menu: who sees it, and what its buttons mean.

Staff see it only once they file cases of their own; the rest get their own help.
Its buttons mean what they say, whatever the bot was waiting for.

A reply keyboard stays on screen while the bot waits for words (a comment on an answer, a
reason, a case's description), so a tap on "📋 My cases" arrives as plain text. Before any
handler sees it, the question is dropped (a case being written is not sent, and the
resident is told so) and the tap goes where it would go with no question pending."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, TelegramObject
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.keyboards import resident as keyboards
from bot.ui.staff_text import staff_help
from bot.ui.states import Filing
from models import Commune, Resident
from services.people import staff


def is_menu_tap(text: str | None) -> bool:
    """In the chat's language, as the menu was last sent."""
    menu = (keyboards.MENU_NEW, keyboards.MENU_MINE, keyboards.MENU_HELP)
    return text is not None and text in {str(label) for label in menu}


class MenuTaps(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        raw_state = data.get("raw_state")
        if (
            isinstance(event, Message)
            and event.chat.type == "private"
            and raw_state is not None
            and is_menu_tap(event.text)
        ):
            state: FSMContext = data["state"]
            await state.clear()
            data["raw_state"] = None
            if raw_state in Filing.__all_states_names__ and event.text != str(keyboards.MENU_NEW):
                await event.answer(_("Cancelled. Nothing was sent."))
        return await handler(event, data)


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
