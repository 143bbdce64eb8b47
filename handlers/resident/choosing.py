"""The resident's choice of commune, typed or tapped, and the flow it continues with."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import CommuneChoice
from bot.ui.keyboards import resident as keyboards
from bot.ui.states import ChoosingCommune
from config.context import AppContext
from handlers.resident.commune import BUTTON_LIMIT
from models import Commune, Resident
from services.communes import registry as communes
from services.communes.search import match_communes
from services.people import residents

router = Router(name="commune_choice")


def typed_a_name(message: Message) -> bool:
    """Commands and the menu's buttons keep working while the bot waits for a name."""
    text = message.text or ""
    menu = (str(keyboards.MENU_NEW), str(keyboards.MENU_MINE), str(keyboards.MENU_HELP))
    return not text.startswith("/") and text not in menu


@router.message(ChoosingCommune.search, F.text, typed_a_name)
async def search_commune(message: Message, session: AsyncSession) -> None:
    registered = await communes.list_communes(session)
    found = match_communes(registered, message.text or "", BUTTON_LIMIT)
    if not found.shown:
        await message.answer(_("No commune with that name uses this bot. Please try again."))
        return
    text = _("Choose your commune:")
    if found.total > len(found.shown):
        text = _(
            "{total} communes and wards match; here are the closest {shown}. If yours is not "
            "among them, type more of its name."
        ).format(total=found.total, shown=len(found.shown))
    await message.answer(text, reply_markup=keyboards.communes(found.shown))


@router.callback_query(CommuneChoice.filter())
async def commune_chosen(
    query: CallbackQuery,
    callback_data: CommuneChoice,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    commune = await session.get(Commune, callback_data.commune_id)
    if commune is None or not isinstance(query.message, Message):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await residents.choose_commune(session, resident, commune)
    then = (await state.get_data()).get("then")
    await state.clear()
    await query.answer()
    await query.message.edit_text(_("Your commune: {name}").format(name=commune.name))
    await continue_after_choice(query.message, state, session, resident, ctx, commune, then)


async def continue_after_choice(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
    commune: Commune,
    then: str | None,
) -> None:
    from handlers.resident import quick  # the flows that may have asked
    from handlers.resident.filing import flow as filing

    if then == "new":
        await filing.begin(message, state, session, commune)
    elif then and then.startswith("quick:"):
        await quick.file_quick(message, state, session, resident, ctx, commune, int(then[6:]))
    else:
        await message.answer(
            _("You can now send feedback to {name}.").format(name=commune.name),
            reply_markup=keyboards.main_menu(),
        )
