"""The guided flow: kind → category → description → files → location → village → phone
→ review → send. Every step can be cancelled; the review can change any answer."""

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import CategoryChoice, EditField, FlowAction, KindChoice, VillageChoice
from bot.ui.formatting import escape
from bot.ui.keyboards import resident as keyboards
from bot.ui.labels import category_label, kind_label
from bot.ui.states import Filing
from config.context import AppContext
from handlers.replies import ON_SHOWN_MESSAGE, drop_buttons
from handlers.resident.commune import ask_commune, resident_commune
from handlers.resident.drafts import to_ticket_draft
from handlers.resident.filing import steps
from models import Category, Commune, Kind, Resident, Village
from services.cases import tickets
from services.communes.divisions import office_name
from services.errors import InvalidInput

router = Router(name="filing")
router.callback_query.filter(ON_SHOWN_MESSAGE)  # an old message's press is stale


async def begin(
    message: Message, state: FSMContext, session: AsyncSession, commune: Commune, **prefill: Any
) -> None:
    await state.set_state(None)
    await state.set_data({"commune_id": commune.id, "attachments": [], **prefill})
    await steps.ask(Filing.kind, message, state, session)


@router.message(Command("new"))
@router.message(F.text == keyboards.MENU_NEW)
async def start_filing(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident
) -> None:
    commune = await resident_commune(session, resident)
    if commune is None:
        await ask_commune(message, state, session, then="new")
        return
    await begin(message, state, session, commune)


async def _settle(query: CallbackQuery, choice: str) -> Message:
    """Shows the chosen answer under the question and removes its buttons."""
    await query.answer()
    assert isinstance(query.message, Message)
    question = query.message.html_text if query.message.text else ""
    await query.message.edit_text(f"{question}\n➡️ <b>{escape(choice)}</b>")
    return query.message


@router.callback_query(Filing.kind, KindChoice.filter())
async def kind_chosen(
    query: CallbackQuery, callback_data: KindChoice, state: FSMContext, session: AsyncSession
) -> None:
    if callback_data.kind == keyboards.FORMAL_KIND:
        message = await _settle(query, _("Complaint or denunciation"))
        commune = await session.get(Commune, (await state.get_data())["commune_id"])
        await state.clear()
        await message.answer(formal_petition_text(commune), reply_markup=keyboards.main_menu())
        return
    if callback_data.kind not in {k.value for k in tickets.FILEABLE_KINDS}:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    kind = Kind(callback_data.kind)
    await state.update_data(kind=kind.value)
    await steps.advance(Filing.kind, await _settle(query, kind_label(kind)), state, session)


def formal_petition_text(commune: Commune | None) -> str:
    lines = [
        _(
            "Complaints (khiếu nại) and denunciations (tố cáo) follow their own laws and need "
            "a signed petition, so they cannot be filed in this chat."
        ),
        _(
            "Please bring or post your signed petition to the People's Committee, or come on "
            "a citizen reception day."
        ),
    ]
    if commune is not None:
        lines.append(_("Office: {name}").format(name=escape(office_name(commune))))
        if commune.address:
            lines.append(_("Address: {address}").format(address=escape(commune.address)))
        if commune.reception_schedule:
            lines.append(
                _("Reception days: {days}").format(days=escape(commune.reception_schedule))
            )
    lines.append(_("For other feedback, tap 📝 Send feedback."))
    return "\n".join(lines)


@router.callback_query(Filing.category, CategoryChoice.filter())
async def category_chosen(
    query: CallbackQuery, callback_data: CategoryChoice, state: FSMContext, session: AsyncSession
) -> None:
    category = await session.get(Category, callback_data.category_id)
    if category is None or category.commune_id != (await state.get_data())["commune_id"]:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await state.update_data(category_id=category.id)
    message = await _settle(query, category_label(category.slug, category.name))
    await steps.advance(Filing.category, message, state, session)


@router.callback_query(Filing.village, VillageChoice.filter())
async def village_chosen(
    query: CallbackQuery, callback_data: VillageChoice, state: FSMContext, session: AsyncSession
) -> None:
    village = (
        await session.get(Village, callback_data.village_id) if callback_data.village_id else None
    )
    if callback_data.village_id and (
        village is None or village.commune_id != (await state.get_data())["commune_id"]
    ):
        await query.answer(_("This button is no longer active."), show_alert=True)
        return
    await state.update_data(village_id=village.id if village else None)
    message = await _settle(query, village.name if village else _("Skip"))
    await steps.advance(Filing.village, message, state, session)


@router.callback_query(Filing.attachments, FlowAction.filter(F.action == "next"))
async def files_done(query: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    files = len((await state.get_data()).get("attachments", []))
    message = await _settle(query, _("{count} file(s)").format(count=files))
    await steps.advance(Filing.attachments, message, state, session)


@router.callback_query(Filing.review, FlowAction.filter(F.action == "edit"))
async def edit_menu(query: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    from services.communes.registry import list_villages

    has_villages = bool(await list_villages(session, (await state.get_data())["commune_id"]))
    await query.message.edit_reply_markup(reply_markup=keyboards.edit_fields(has_villages))


@router.callback_query(Filing.review, EditField.filter())
async def edit_field(
    query: CallbackQuery, callback_data: EditField, state: FSMContext, session: AsyncSession
) -> None:
    await query.answer()
    assert isinstance(query.message, Message)
    if callback_data.field == "back":
        await query.message.edit_reply_markup(reply_markup=keyboards.review())
        return
    step = getattr(Filing, callback_data.field, None)
    if step is None or step not in steps.ORDER:
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await state.update_data(editing=True)
    await steps.ask(step, query.message, state, session)


@router.callback_query(Filing.review, FlowAction.filter(F.action == "submit"))
async def submit(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    resident: Resident,
    ctx: AppContext,
) -> None:
    data = await state.get_data()
    commune = await session.get(Commune, data["commune_id"])
    assert commune is not None and isinstance(query.message, Message)
    await state.clear()  # committed with the case: a second tap finds nothing to send
    try:
        ticket = await tickets.submit_ticket(
            session,
            commune=commune,
            resident=resident,
            draft=to_ticket_draft(data),
            policy=ctx.policy,
            now=ctx.clock.now(),
        )
    except InvalidInput:
        await state.set_state(Filing.review)
        await state.set_data(data)
        await query.answer(_("Something in this case is no longer valid. Please change it."))
        return
    await query.answer(_("Sent"))
    await drop_buttons(query.message)  # the receipt follows
    assert ticket.id is not None
