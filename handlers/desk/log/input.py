"""What the officer types or sends during /log: the time of receipt, the citizen's name and
phone, the content, photos."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.keyboards import log as kb
from bot.ui.states import LogCase
from config.context import AppContext
from handlers.desk.log import steps as steps
from handlers.resident.drafts import MAX_ATTACHMENTS, attachment_of
from services.cases.intake import clean_name
from services.cases.received_time import parse_received
from services.cases.tickets import clean_description
from services.errors import InvalidInput
from services.people.residents import normalize_phone

router = Router(name="desk_log_input")
router.message.filter(F.chat.type == "private")
HAS_FILE = F.photo | F.video | F.voice | F.audio | F.document


@router.message(StateFilter(LogCase), Command("cancel"))
async def cancel_command(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(_("Cancelled. Nothing was saved."))


@router.message(LogCase.received, F.text)
async def received_typed(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    try:
        at = parse_received(message.text or "", ctx.clock.now(), ctx.tz)
    except InvalidInput as error:
        if str(error) == "received_in_future":
            text = _("That time has not come yet. Write when the commune actually received it.")
        else:
            text = _(
                "I could not read that time. Write it like 20/11/2026 14:30, 20/11 "
                "or hôm qua 9:00, or tap “Just now”."
            )
        await message.answer(text, reply_markup=kb.received())
        return
    await state.update_data(received_at=at.isoformat())
    await steps.advance(LogCase.received, message, state, session, ctx.tz)


@router.message(LogCase.name, F.text)
async def name_typed(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    try:
        name = clean_name(message.text)
    except InvalidInput:
        await message.answer(_("That name is too long."), reply_markup=kb.skip())
        return
    await state.update_data(name=name)
    await steps.advance(LogCase.name, message, state, session, ctx.tz)


@router.message(LogCase.phone, F.text)
async def phone_typed(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    try:
        phone = normalize_phone(message.text or "")
    except InvalidInput:
        await message.answer(
            _("That does not look like a phone number. Write it again, or tap Skip."),
            reply_markup=kb.skip(),
        )
        return
    await state.update_data(phone=phone)
    await steps.advance(LogCase.phone, message, state, session, ctx.tz)


@router.message(LogCase.text, F.text)
async def text_typed(
    message: Message, state: FSMContext, session: AsyncSession, ctx: AppContext
) -> None:
    try:
        text = clean_description(message.text or "")
    except InvalidInput as error:
        if str(error) == "description_too_long":
            await message.answer(_("That is too long. Please keep it under 8,000 characters."))
        else:
            await message.answer(
                _("Please write a little more (at least a few words), so the commune can act.")
            )
        return
    await state.update_data(text=text)
    await steps.advance(LogCase.text, message, state, session, ctx.tz)


@router.message(LogCase.photos, HAS_FILE)
async def file_received(message: Message, state: FSMContext) -> None:
    item = attachment_of(message)
    data = await state.get_data()
    files = list(data.get("attachments", []))
    if item is None:
        return
    if len(files) >= MAX_ATTACHMENTS:
        await message.answer(_("That is the most files one case can carry."))
        return
    files.append(item)
    group = message.media_group_id
    await state.update_data(attachments=files, last_group=group)
    if group and data.get("last_group") == group:
        return  # one answer per album
    await message.answer(_("Got it. Send more, or tap Continue."), reply_markup=kb.next_step())


@router.message(StateFilter(LogCase))
async def unexpected(message: Message) -> None:
    await message.answer(_("Please answer the question above, or send /cancel to stop."))
