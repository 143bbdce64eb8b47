"""Cosmetic touches that must never stop the real work."""

import contextlib

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InaccessibleMessage, Message


async def drop_buttons(message: Message | InaccessibleMessage | None) -> None:
    """Removes the inline keyboard of a message the user answered; an old or already
    edited message is left as it is."""
    if isinstance(message, Message) and message.reply_markup is not None:
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await message.edit_reply_markup(reply_markup=None)
