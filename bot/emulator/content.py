"""Messages: storing them, telling their kind, and the copies tests observe."""

from __future__ import annotations

import copy
import html
from typing import Any

from bot.emulator.state import ChatState, State, StoredMessage

CONTENT_KINDS = (
    "text",
    "animation",
    "photo",
    "video",
    "video_note",
    "voice",
    "audio",
    "document",
    "sticker",
    "poll",
    "venue",
    "location",
    "contact",
    "dice",
)
COPYABLE = (
    *CONTENT_KINDS,
    "caption",
    "entities",
    "caption_entities",
    "has_media_spoiler",
    "show_caption_above_media",
)


def content_kind(message: dict[str, Any]) -> str:
    """The content kind: "text", "photo", … or "service" for service messages."""
    return next((kind for kind in CONTENT_KINDS if kind in message), "service")


def new_message(
    state: State, chat: ChatState, sender: dict[str, Any], date: int | None = None
) -> dict[str, Any]:
    return {
        "message_id": chat.new_message_id(),
        "from": sender,
        "chat": chat.as_dict(),
        "date": state.now() if date is None else date,
    }


def store(
    state: State,
    chat: ChatState,
    message: dict[str, Any],
    *,
    from_bot: bool,
    html_source: str | None = None,
    markup: dict[str, Any] | None = None,
) -> StoredMessage:
    """Keep a message in its chat; bot messages also feed the per-chat observation cursor."""
    body = message.get("text", message.get("caption"))
    if html_source is None and isinstance(body, str):
        html_source = html.escape(body, quote=False)
    stored = StoredMessage(message, from_bot, html_source, markup)
    chat.messages[stored.message_id] = stored
    if from_bot:
        chat.bot_messages.append(stored.message_id)
        if markup and "keyboard" in markup:
            chat.reply_keyboard = (stored.message_id, markup)
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
    state.notify()
    return stored


def reply_copy(stored: StoredMessage) -> dict[str, Any]:
    """A message as it appears inside `reply_to_message` (no further nesting)."""
    return {
        key: value for key, value in copy.deepcopy(stored.data).items() if key != "reply_to_message"
    }


def observed(stored: StoredMessage) -> dict[str, Any]:
    """What tests see: the Bot API message plus `media_type`, `html`, `deleted`, and the
    reply_markup as sent (reply keyboards too, which Telegram does not echo back)."""
    data = copy.deepcopy(stored.data)
    data["media_type"] = content_kind(data)
    data["html"] = stored.html
    data["deleted"] = stored.deleted
    if stored.markup is not None:
        data["reply_markup"] = copy.deepcopy(stored.markup)
    return data


def describe(stored: StoredMessage) -> str:
    """One line for assertion messages."""
    data = stored.data
    body = data.get("text") or data.get("caption") or ""
    markup = stored.markup or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    buttons = [b.get("text") if isinstance(b, dict) else b for row in rows for b in row]
    extra = f" buttons={buttons}" if buttons else ""
    gone = " (deleted)" if stored.deleted else ""
    return f"#{stored.message_id} [{content_kind(data)}]{gone} {body[:120]!r}{extra}"
