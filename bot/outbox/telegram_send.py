"""One composed part of an outbox message, sent as the Bot API call it names."""

from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, InputMediaPhoto, InputMediaVideo, Message, ReplyParameters

from bot.compose.parts import Outgoing
from services.cases.files import stored_path

FILE_PARAMS = ("photo", "video", "document", "voice", "audio")


def _upload(value: Any, files_dir: Path | None) -> Any:
    """A file residents sent on the web ("file:…", kept under DATA_DIR) is uploaded; a
    Telegram file id is passed on as it is."""
    path = stored_path(files_dir, value) if files_dir and isinstance(value, str) else None
    return FSInputFile(path) if path is not None else value


async def send_part(
    bot: Bot, chat_id: int, part: Outgoing, first_id: int | None, files_dir: Path | None = None
) -> int:
    """Returns the id of the (first) message Telegram made of it."""
    params = dict(part.params)
    for name in FILE_PARAMS:
        if name in params:
            params[name] = _upload(params[name], files_dir)
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
            InputMediaPhoto(media=_upload(m["media"], files_dir))
            if m["type"] == "photo"
            else InputMediaVideo(media=_upload(m["media"], files_dir))
            for m in params.pop("media")
        ]
        result = await bot.send_media_group(chat_id, media=media, **params)  # type: ignore[arg-type]
    else:
        sender = getattr(bot, f"send_{part.method}")
        result = await sender(chat_id, **params)
    assert not isinstance(result, bool)
    return result[0].message_id if isinstance(result, list) else result.message_id
