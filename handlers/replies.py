"""Cosmetic touches that must never stop the real work."""

import contextlib
from typing import Any

from aiogram import F
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import CallbackQuery, InaccessibleMessage, Message
from aiogram.utils.i18n import gettext as _
from sqlmodel.ext.asyncio.session import AsyncSession

from models import Commune, Role, Staff
from services.errors import NotAuthorized
from services.people import staff as staff_service

# Flow buttons edit the message they sit on. Telegram sends a button pressed on a message it
# no longer shows (deleted, or too old) with an InaccessibleMessage: such a press is stale.
ON_SHOWN_MESSAGE = F.message.func(lambda message: isinstance(message, Message))


async def drop_buttons(message: Message | InaccessibleMessage | None) -> None:
    """Removes the inline keyboard of a message the user answered; an old or already
    edited message is left as it is."""
    if isinstance(message, Message) and message.reply_markup is not None:
        with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
            await message.edit_reply_markup(reply_markup=None)


async def reply_long(message: Message, html: str) -> None:
    """Sends HTML made of lines, split between lines so no piece passes Telegram's limit."""
    from bot.ui.formatting import TELEGRAM_TEXT_LIMIT, utf16_len

    piece: list[str] = []
    for line in html.split("\n"):
        if piece and utf16_len("\n".join([*piece, line])) > TELEGRAM_TEXT_LIMIT:
            await message.answer("\n".join(piece))
            piece = []
        piece.append(line)
    if piece:
        await message.answer("\n".join(piece))


async def send_privately(query: CallbackQuery, text: str, **kwargs: Any) -> bool:
    """Sends to the person who pressed, in their private chat with the bot; if they never
    started it (Telegram refuses), tells them how, and returns False."""
    assert query.bot is not None
    try:
        await query.bot.send_message(query.from_user.id, text, **kwargs)
    except (TelegramForbiddenError, TelegramBadRequest):
        await query.answer(
            _("Open a private chat with me first (tap my name, then Start), then try again."),
            show_alert=True,
        )
        return False
    return True


async def admin_for_button(
    query: CallbackQuery, session: AsyncSession, commune_id: int, action: str, refusal: str
) -> tuple[Commune, Staff] | None:
    """The commune a button names and the presser's admin record there; otherwise the
    button is answered here (stale, or refused and logged) and None returned."""
    commune = await session.get(Commune, commune_id)
    if commune is None:
        await query.answer(_("This button is no longer active."), show_alert=True)
        return None
    try:
        admin = await staff_service.authorize(
            session, query.from_user.id, commune_id, (Role.ADMIN,), action=action
        )
    except NotAuthorized:
        await query.answer(refusal, show_alert=True)
        return None
    return commune, admin
