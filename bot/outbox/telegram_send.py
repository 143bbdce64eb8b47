"""One composed part of an outbox message, sent as the Bot API call it names."""

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InputMediaPhoto, InputMediaVideo, Message, ReplyParameters

from bot.compose.parts import Outgoing


async def send_part(bot: Bot, chat_id: int, part: Outgoing, first_id: int | None) -> int:
    """Returns the id of the (first) message Telegram made of it."""
    params = dict(part.params)
    if part.reply_to_first and first_id is not None:
        params["reply_parameters"] = ReplyParameters(
            message_id=first_id, allow_sending_without_reply=True
        )
    result: Message | list[Message] | bool
    if part.method == "text":
        result = await bot.send_message(chat_id, **params)
    elif part.method == "edit_text":
        try:
            result = await bot.edit_message_text(**params)
        except TelegramBadRequest as exc:
            if "message is not modified" not in exc.message:
                raise
            result = True  # the card already says this
        return params["message_id"] if not isinstance(result, Message) else result.message_id
    elif part.method == "album":
        media = [
            InputMediaPhoto(media=m["media"])
            if m["type"] == "photo"
            else InputMediaVideo(media=m["media"])
            for m in params.pop("media")
        ]
        result = await bot.send_media_group(chat_id, media=media, **params)  # type: ignore[arg-type]
    else:
        sender = getattr(bot, f"send_{part.method}")
        result = await sender(chat_id, **params)
    assert not isinstance(result, bool)
    return result[0].message_id if isinstance(result, list) else result.message_id
