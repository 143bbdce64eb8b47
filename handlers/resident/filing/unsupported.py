"""Content the guided flow cannot use while it asks for words or files (a sticker, a round
video message, a poll, a dice, a location sent too early): say so, and what would do."""

from aiogram import F, Router
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.ui.keyboards import resident as keyboards
from bot.ui.states import Filing
from handlers.resident.filing.input import HAS_FILE

router = Router(name="filing_unsupported")
NOT_USABLE = ~F.text & ~F.caption & ~HAS_FILE


@router.message(Filing.description, NOT_USABLE)
async def unusable_description(message: Message) -> None:
    await message.answer(
        _(
            "I cannot use this kind of message. Please write in words what happened; photos, "
            "videos, voice messages and documents are welcome too."
        )
    )


@router.message(Filing.attachments, NOT_USABLE)
async def unusable_attachment(message: Message) -> None:
    if message.location or message.venue or message.contact:
        text = _("The place and your phone number come in the next steps: tap Continue first.")
    else:
        text = _(
            "I cannot attach this kind of message (stickers, round video messages, polls and "
            "the like). Please send photos, videos, voice messages or documents, or tap "
            "Continue."
        )
    await message.answer(text, reply_markup=keyboards.next_step())
