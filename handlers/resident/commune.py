"""Which commune a resident talks to: the only one, a deep link, or their choice, asked for
here and answered in handlers/resident/choosing.py."""

from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.keyboards import resident as keyboards
from bot.ui.states import ChoosingCommune
from models import Commune, Resident
from services.communes import registry as communes

BUTTON_LIMIT = 10


async def resident_commune(session: AsyncSession, resident: Resident) -> Commune | None:
    """Their commune; the only one there is, without asking. That one is not saved here: a
    commit in the middle of a handler would mark its update done before the handler's own
    work (a crash in between lost a resident's tap); filing a case saves it."""
    if resident.commune_id is not None:
        return await session.get(Commune, resident.commune_id)
    registered = await communes.list_communes(session)
    return registered[0] if len(registered) == 1 else None


async def ask_commune(
    message: Message, state: FSMContext, session: AsyncSession, then: str | None
) -> None:
    """`then` is what to continue with once chosen: "new", "quick:<message id>" or None."""
    registered = await communes.list_communes(session)
    if not registered:
        await message.answer(
            _("This bot is not set up for any commune yet. Please contact your commune office.")
        )
        return
    await state.set_state(ChoosingCommune.search)
    await state.update_data(then=then)
    if len(registered) <= BUTTON_LIMIT:
        await message.answer(
            _("Which commune or ward do you live in?"),
            reply_markup=keyboards.communes(registered),
        )
    else:
        await message.answer(_("Type the name of your commune or ward, for example: Thống Nhất"))
