"""Whatever nothing else took: a short, polite answer, never silence."""

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.ui.keyboards import resident as keyboards

router = Router(name="resident_fallback")


@router.message()
async def unsupported(message: Message) -> None:
    if message.photo or message.video or message.voice or message.document or message.audio:
        if message.media_group_id and not message.caption:
            return  # one answer per album: the captioned item, or none
        text = _(
            "To send photos or files with your feedback, tap 📝 Send feedback first; "
            "I will ask for them."
        )
    elif message.location or message.contact:
        text = _("To send a location or phone number with your feedback, tap 📝 Send feedback.")
    else:
        text = _(
            "Sorry, I cannot take this kind of message. Please send text, photos, videos, "
            "voice messages or a location."
        )
    await message.answer(text, reply_markup=keyboards.main_menu())


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(
        _("This button is no longer active. Send /new to start a new case."), show_alert=True
    )
