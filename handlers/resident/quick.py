"""Free text sent outside any flow is never lost: one tap files it as a case."""

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import QuickFile
from bot.ui.keyboards import resident as keyboards
from config.context import AppContext
from handlers.replies import drop_buttons
from handlers.resident.commune import ask_commune, resident_commune
from handlers.resident.drafts import attachment_of, to_ticket_draft
from handlers.resident.filing import flow as filing
from models import Commune, Kind, Resident
from services.cases import tickets
from services.communes import registry as communes
from services.errors import InvalidInput

router = Router(name="quick")
KEPT_OFFERS = 10


def _offers(data: dict[str, Any]) -> dict[str, Any]:
    return dict(data.get("quick", {}))


@router.message(StateFilter(None), F.text | F.caption)
async def offer(message: Message, state: FSMContext) -> None:
    text = (message.text or message.caption or "").strip()
    if text.startswith("/"):
        await message.answer(_("I do not know that command. Send /help to see what I can do."))
        return
    try:
        tickets.clean_description(text)
    except InvalidInput as exc:
        if str(exc) == "description_too_long":
            await message.answer(_("That is too long. Please keep it under 8,000 characters."))
            return
        await message.answer(
            _("Hello! To send feedback to the commune, tap 📝 Send feedback below."),
            reply_markup=keyboards.main_menu(),
        )
        return
    data = await state.get_data()
    offers = _offers(data)
    offers[str(message.message_id)] = {
        "text": text,
        "received_at": message.date.isoformat(),
        "attachments": [item] if (item := attachment_of(message)) else [],
    }
    await state.update_data(quick=dict(list(offers.items())[-KEPT_OFFERS:]))
    await message.reply(
        _("Do you want to send this to the commune as feedback?"),
        reply_markup=keyboards.quick_offer(message.message_id),
    )


@router.callback_query(QuickFile.filter())
async def answered(
    query: CallbackQuery,
    callback_data: QuickFile,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    offers = _offers(await state.get_data())
    if str(callback_data.message_id) not in offers or not isinstance(query.message, Message):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await query.answer()
    if callback_data.action == "no":
        await _forget(state, callback_data.message_id)
        await drop_buttons(query.message)
        await query.message.answer(_("All right, nothing was sent."))
        return
    commune = await resident_commune(session, resident)
    if commune is None:
        await drop_buttons(query.message)
        await ask_commune(query.message, state, session, then=f"quick:{callback_data.message_id}")
        return
    if callback_data.action == "details":
        offer_data = offers[str(callback_data.message_id)]
        await _forget(state, callback_data.message_id)
        await drop_buttons(query.message)
        await filing.begin(query.message, state, session, commune, **offer_data)
        return
    await file_quick(
        query.message, state, session, resident, ctx, commune, callback_data.message_id
    )
    await drop_buttons(query.message)


async def _forget(state: FSMContext, message_id: int) -> None:
    offers = _offers(await state.get_data())
    offers.pop(str(message_id), None)
    await state.update_data(quick=offers)


async def file_quick(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
    commune: Commune,
    message_id: int,
) -> None:
    offer_data = _offers(await state.get_data()).get(str(message_id))
    if offer_data is None:
        await message.answer(_("This button is no longer active."))
        return
    other = await communes.other_category(session, commune.id)
    draft = to_ticket_draft(
        {
            **offer_data,
            "kind": Kind.REPORT.value,
            "category_id": other,
        }
    )
    await _forget(state, message_id)
    await tickets.submit_ticket(
        session,
        commune=commune,
        resident=resident,
        draft=draft,
        policy=ctx.policy,
        now=ctx.clock.now(),
    )
