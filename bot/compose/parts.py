"""The pieces every composer builds with: an outgoing message, text split to Telegram's limit,
attachments as albums, and the registry of composers by notification kind."""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiogram.types import InlineKeyboardMarkup
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ui.formatting import TELEGRAM_TEXT_LIMIT, escape, split_text, utf16_len
from config.context import AppContext
from models import Attachment, AttachmentKind, Notification, NotificationKind
from services.cases.views import TicketView


@dataclass
class Outgoing:
    method: str  # text, photo, album, video, voice, audio, document, location, edit_text
    params: dict[str, Any] = field(default_factory=dict)
    reply_to_first: bool = False  # thread it under the first message of the notification


def text_messages(header: str, body: str, markup: InlineKeyboardMarkup | None) -> list[Outgoing]:
    """Header (HTML) then the user's words (escaped), split rather than truncated."""
    budget = TELEGRAM_TEXT_LIMIT - utf16_len(header) - 2
    chunks = split_text(body, max(budget, 500)) if body else []
    first = header if not chunks else f"{header}\n\n{escape(chunks[0])}"
    if chunks and utf16_len(first) > TELEGRAM_TEXT_LIMIT:  # header too long to share
        first, rest = header, chunks
    else:
        rest = chunks[1:]
    messages = [Outgoing("text", {"text": first, "reply_markup": markup})]
    for chunk in rest:
        for piece in split_text(chunk):
            messages.append(Outgoing("text", {"text": escape(piece)}, reply_to_first=True))
    return messages


def media_messages(
    attachments: Sequence[Attachment], view: TicketView | None = None
) -> list[Outgoing]:
    """Photos and videos as albums, then the other files, then the location, if any."""
    messages: list[Outgoing] = []
    visual = [a for a in attachments if a.kind in (AttachmentKind.PHOTO, AttachmentKind.VIDEO)]
    for start in range(0, len(visual), 10):
        batch = visual[start : start + 10]
        if len(batch) == 1:
            item = batch[0]
            messages.append(
                Outgoing(item.kind.value, {item.kind.value: item.file_ref}, reply_to_first=True)
            )
        else:
            media = [{"type": a.kind.value, "media": a.file_ref} for a in batch]
            messages.append(Outgoing("album", {"media": media}, reply_to_first=True))
    for item in attachments:
        if item.kind not in (AttachmentKind.PHOTO, AttachmentKind.VIDEO):
            messages.append(
                Outgoing(item.kind.value, {item.kind.value: item.file_ref}, reply_to_first=True)
            )
    if view is not None and view.latitude is not None and view.longitude is not None:
        messages.append(
            Outgoing(
                "location",
                {"latitude": view.latitude, "longitude": view.longitude},
                reply_to_first=True,
            )
        )
    return messages


Composer = Callable[[AsyncSession, Notification, AppContext], Awaitable[list[Outgoing]]]
COMPOSERS: dict[NotificationKind, Composer] = {}


def composer(kind: NotificationKind) -> Callable[[Composer], Composer]:
    """Registers how a kind of notification is worded; one function per kind."""

    def register(function: Composer) -> Composer:
        COMPOSERS[kind] = function
        return function

    return register
