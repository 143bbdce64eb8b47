"""Which commune a resident talks to: the only one, a deep link, or their choice."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import keyboards
from bot.callbacks import CommuneChoice
from bot.context import AppContext
from bot.states import ChoosingCommune
from models import Commune, Resident
from services import communes, residents
from services.commune_search import match_communes

router = Router(name="commune_choice")
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
    from handlers.resident import filing, quick  # the flows that may have asked

    if then == "new":
        await filing.begin(message, state, session, commune)
    elif then and then.startswith("quick:"):
        await quick.file_quick(message, state, session, resident, ctx, commune, int(then[6:]))
    else:
        await message.answer(
            _("You can now send feedback to {name}.").format(name=commune.name),
            reply_markup=keyboards.main_menu(),
        )
