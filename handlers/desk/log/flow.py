"""/log: staff record a case the commune received in person, by phone, in the suggestion box,
on the portal, Facebook or Zalo. The buttons of the flow; typed answers are in log_input."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import LogCommune, LogPick
from bot.ui.formatting import escape
from bot.ui.keyboards import log as kb
from bot.ui.labels import category_label, channel_label, kind_label
from bot.ui.states import LogCase
from config.context import AppContext
from handlers.desk.common import explain
from handlers.desk.log import steps as steps
from handlers.replies import ON_SHOWN_MESSAGE, drop_buttons
from models import Category, Channel, Commune, Kind, Village
from services.cases import intake
from services.cases.views import load_ticket_view
from services.communes import registry as communes
from services.desk.access import commune_name
from services.errors import DomainError, InvalidInput

router = Router(name="desk_log")
router.callback_query.filter(ON_SHOWN_MESSAGE)  # an old message's press is stale
router.message.filter(F.chat.type == "private")
router.callback_query.filter(F.message.chat.type == "private")

# the button steps, and the state each one belongs to
STEP_STATE = {
    "channel": LogCase.channel,
    "now": LogCase.received,
    "kind": LogCase.kind,
    "category": LogCase.category,
    "village": LogCase.village,
    "next": LogCase.photos,
    "save": LogCase.review,
    "edit": LogCase.review,
    "field": LogCase.review,
}


async def _begin(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext, commune_id: int
) -> None:
    await state.set_state(None)
    await state.set_data({"commune_id": commune_id, "attachments": []})
    name = escape(await commune_name(session, commune_id))
    await message.answer(
        _("📥 A case received on another channel, for {commune}.").format(commune=name)
    )
    await steps.ask(LogCase.channel, message, state, session, ctx.tz)


@router.message(Command("log"))
async def start_log(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    assert message.from_user is not None
    members = await intake.staff_for_log(session, message.from_user.id)
    if not members:
        await message.answer(
            _(
                "Only the commune's staff can record cases received on other channels. "
                "To send your own feedback, tap 📝 Send feedback."
            )
        )
        return
    if len(members) == 1:
        await _begin(message, state, session, ctx, members[0].commune_id)
        return
    await state.set_state(LogCase.commune)
    places = [c for m in members if (c := await session.get(Commune, m.commune_id))]
    await message.answer(_("For which commune?"), reply_markup=kb.communes(places))


@router.callback_query(LogCase.commune, LogCommune.filter())
async def commune_chosen(
    query: CallbackQuery,
    callback_data: LogCommune,
    state: FSMContext,
    session: AsyncSession,
    ctx: AppContext,
) -> None:
    members = await intake.staff_for_log(session, query.from_user.id)
    if callback_data.commune_id not in {m.commune_id for m in members}:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query.message)
    assert isinstance(query.message, Message)
    await _begin(query.message, state, session, ctx, callback_data.commune_id)


async def _settle(query: CallbackQuery, choice: str) -> Message:
    """Shows the chosen answer under the question and removes its buttons."""
    await query.answer()
    assert isinstance(query.message, Message)
    question = query.message.html_text if query.message.text else ""
    await query.message.edit_text(f"{question}\n➡️ <b>{escape(choice)}</b>")
    return query.message


@router.callback_query(StateFilter(LogCase), LogPick.filter(F.step == "cancel"))
async def cancelled(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await drop_buttons(query.message)
    if isinstance(query.message, Message):
        await query.message.answer(_("Cancelled. Nothing was saved."))


@router.callback_query(StateFilter(LogCase), LogPick.filter())
async def picked(
    query: CallbackQuery,
    callback_data: LogPick,
    state: FSMContext,
    session: AsyncSession,
    ctx: AppContext,
) -> None:
    step, value = callback_data.step, callback_data.value
    expected = STEP_STATE.get(step)
    if step == "skip":
        expected = LogCase.phone if await state.get_state() == LogCase.phone.state else LogCase.name
    if expected is None or await state.get_state() != expected.state:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    data = await state.get_data()
    assert isinstance(query.message, Message)
    if step == "save":
        await _save(query, state, session, ctx)
        return
    if step in ("edit", "field"):
        await _edit(query, state, session, ctx, value)
        return
    try:
        label = await _store(session, state, data, step, value, ctx)
    except InvalidInput:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await steps.advance(expected, await _settle(query, label), state, session, ctx.tz)


async def _store(
    session: AsyncSession, state: FSMContext, data: dict, step: str, value: str, ctx: AppContext
) -> str:
    """Keeps one button answer in the draft; returns what to show under the question."""
    if step == "channel":
        await state.update_data(channel=Channel(value).value)
        return channel_label(value)
    if step == "now":
        now = ctx.clock.now()
        await state.update_data(received_at=now.isoformat())
        return _("Just now")
    if step == "kind":
        await state.update_data(kind=Kind(value).value)
        return kind_label(Kind(value))
    if step == "category":
        category = await session.get(Category, int(value))
        if category is None or category.commune_id != data["commune_id"]:
            raise InvalidInput("category of another commune")
        await state.update_data(category_id=category.id)
        return category_label(category.slug, category.name)
    if step == "village":
        village = await session.get(Village, int(value)) if value != "0" else None
        if value != "0" and (village is None or village.commune_id != data["commune_id"]):
            raise InvalidInput("village of another commune")
        await state.update_data(village_id=village.id if village else None)
        return village.name if village else _("Skip")
    if step == "skip":
        field = "phone" if await state.get_state() == LogCase.phone.state else "name"
        await state.update_data(**{field: None})
        return _("Skip")
    return _("{count} file(s)").format(count=len(data.get("attachments", [])))  # "next"


async def _edit(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, ctx: AppContext, field: str
) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    if field == "":
        villages = await communes.list_villages(session, (await state.get_data())["commune_id"])
        await query.message.edit_reply_markup(reply_markup=kb.edit_fields(bool(villages)))
        return
    if field == "back":
        await query.message.edit_reply_markup(reply_markup=kb.review())
        return
    step = getattr(LogCase, field, None)
    if field not in kb.EDITABLE or step is None:
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(editing=True)
    await steps.ask(step, query.message, state, session, ctx.tz)


async def _save(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    data = await state.get_data()
    commune = await session.get(Commune, data["commune_id"])
    assert commune is not None and isinstance(query.message, Message)
    logging_state = await state.get_state()
    await state.clear()  # committed with the case: a second tap finds nothing to save
    try:
        ticket = await intake.log_ticket(
            session,
            telegram_id=query.from_user.id,
            commune=commune,
            draft=steps.draft_of(data),
            citizen_name=data.get("name"),
            policy=ctx.policy,
            now=ctx.clock.now(),
        )
    except InvalidInput:
        await state.set_state(logging_state)
        await state.set_data(data)
        await query.answer(_("Something in this case is no longer valid. Please change it."))
        return
    except DomainError as error:
        await query.answer()
        await query.message.answer(explain(error))
        return
    await query.answer(_("Saved"))
    await drop_buttons(query.message)
    assert ticket.id is not None
    view = await load_ticket_view(session, ticket.id)
    await query.message.answer(steps.logged_text(view, ctx.tz))
