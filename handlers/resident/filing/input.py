"""What the resident types or sends during the guided flow."""

import contextlib

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.callbacks import FlowAction
from bot.ui.keyboards import resident as keyboards
from bot.ui.states import Filing
from handlers.menu import menu_for
from handlers.replies import drop_buttons
from handlers.resident.drafts import MAX_ATTACHMENTS, attachment_of
from handlers.resident.filing import steps
from models import Resident
from services.cases.tickets import MAX_DESCRIPTION_CHARS, clean_description
from services.errors import InvalidInput
from services.people.residents import link_offline_cases, normalize_phone

router = Router(name="filing_input")
HAS_FILE = F.photo | F.video | F.voice | F.audio | F.document


@router.message(Command("cancel"))
async def cancel_command(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident
) -> None:
    had_flow = await state.get_state() is not None
    await state.clear()
    text = _("Cancelled. Nothing was sent.") if had_flow else _("There is nothing to cancel.")
    await message.answer(text, reply_markup=await menu_for(session, resident))


@router.callback_query(StateFilter(Filing), FlowAction.filter(F.action == "cancel"))
async def cancel_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await drop_buttons(query.message)
    if isinstance(query.message, Message):
        await query.message.answer(
            _("Cancelled. Nothing was sent."), reply_markup=keyboards.main_menu()
        )


async def _store_text(message: Message, state: FSMContext, raw: str) -> bool:
    try:
        text = clean_description(raw)
    except InvalidInput as exc:
        if str(exc) == "description_too_long":
            await message.answer(_("That is too long. Please keep it under 8,000 characters."))
        else:
            await message.answer(
                _("Please write a little more (at least a few words), so the commune can act.")
            )
        return False
    await state.update_data(text=text, received_at=message.date.isoformat())
    return True


async def _add_file(message: Message, state: FSMContext) -> bool:
    item = attachment_of(message)
    data = await state.get_data()
    files = list(data.get("attachments", []))
    if item is None:
        return False
    if len(files) >= MAX_ATTACHMENTS:
        group = message.media_group_id
        if not group or data.get("full_group") != group:  # once per album
            await state.update_data(full_group=group)
            await message.answer(
                _(
                    "A case can carry at most {count} files, so the ones after that were not "
                    "added. Tap Continue when you are done."
                ).format(count=MAX_ATTACHMENTS),
                reply_markup=keyboards.next_step(),
            )
        return False
    files.append(item)
    await state.update_data(attachments=files)
    return True


@router.message(Filing.description, F.text)
async def description_text(message: Message, state: FSMContext, session: AsyncSession) -> None:
    if await _store_text(message, state, message.text or ""):
        await steps.advance(Filing.description, message, state, session)


@router.message(Filing.description, HAS_FILE)
async def description_with_file(message: Message, state: FSMContext, session: AsyncSession) -> None:
    await _add_file(message, state)
    if message.caption and await _store_text(message, state, message.caption):
        await steps.advance(Filing.description, message, state, session)
    elif not message.media_group_id or message.caption:
        await message.answer(_("Got the file. Now please write what it is about."))


@router.message(Filing.attachments, HAS_FILE)
async def file_received(message: Message, state: FSMContext) -> None:
    if not await _add_file(message, state):
        return
    data = await state.get_data()
    group = message.media_group_id
    if group and data.get("last_group") == group:
        return  # one answer per album
    await state.update_data(last_group=group)
    await message.answer(
        _("Got it. Send more, or tap Continue."), reply_markup=keyboards.next_step()
    )


@router.message(Filing.attachments, F.text)
async def text_during_files(message: Message, state: FSMContext) -> None:
    data = await state.get_data()
    combined = f"{data.get('text', '')}\n{message.text}".strip()
    if len(combined) <= MAX_DESCRIPTION_CHARS:
        await state.update_data(text=combined)
        await message.answer(
            _("Added to the content. Tap Continue when you are done."),
            reply_markup=keyboards.next_step(),
        )
    else:
        await message.answer(_("That is too long. Please keep it under 8,000 characters."))


@router.message(Filing.location, F.location)
async def location_received(message: Message, state: FSMContext, session: AsyncSession) -> None:
    assert message.location is not None
    await state.update_data(
        latitude=message.location.latitude, longitude=message.location.longitude
    )
    await steps.advance(Filing.location, message, state, session)


@router.message(Filing.location, F.text == keyboards.SKIP)
@router.message(Filing.phone, F.text == keyboards.SKIP)
async def step_skipped(message: Message, state: FSMContext, session: AsyncSession) -> None:
    current = await state.get_state()
    step = Filing.location if current == Filing.location.state else Filing.phone
    await steps.advance(step, message, state, session)


@router.message(Filing.location)
async def location_expected(message: Message) -> None:
    await message.answer(
        _("Please tap “📍 Send my location”, or Skip."), reply_markup=keyboards.share_location()
    )


@router.message(Filing.phone, F.contact)
async def phone_shared(
    message: Message, state: FSMContext, session: AsyncSession, resident: Resident
) -> None:
    assert message.contact is not None and message.from_user is not None
    if message.contact.user_id != message.from_user.id:
        await message.answer(
            _("Please share your own number with the button below."),
            reply_markup=keyboards.share_phone(),
        )
        return
    # Telegram vouches for this number: the cases staff logged for it become this resident's
    with contextlib.suppress(InvalidInput):
        await link_offline_cases(session, resident, message.contact.phone_number, message.date)
    await _save_phone(message, state, session, message.contact.phone_number)


@router.message(Filing.phone, F.text)
async def phone_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    await _save_phone(message, state, session, message.text or "")


async def _save_phone(message: Message, state: FSMContext, session: AsyncSession, raw: str) -> None:
    try:
        phone = normalize_phone(raw)
    except InvalidInput:
        await message.answer(
            _("That does not look like a phone number. Tap the button, or Skip."),
            reply_markup=keyboards.share_phone(),
        )
        return
    await state.update_data(phone=phone)
    await steps.advance(Filing.phone, message, state, session)


@router.message(StateFilter(Filing))
async def unexpected_in_flow(message: Message) -> None:
    await message.answer(_("Please answer the question above, or send /cancel to stop."))
