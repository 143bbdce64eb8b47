"""What a person does on the page, checked as the Telegram app would check it, then handed
to the emulator as the update Telegram would deliver."""

from typing import Any

from bot.emulator import FakeUser
from bot.emulator.state import ChatState

from . import texts
from .demo import PLACE, Phone

MAX_TEXT, MAX_CAPTION, MAX_PHOTO = 4096, 1024, 10 * 1024 * 1024


class PageError(Exception):
    """Bad input from the page: a polite message (a msgid of texts.py) and its values."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message)
        self.message, self.values = message, values


def image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_text(text: Any, limit: int = MAX_TEXT, too_long: str = texts.TOO_LONG) -> str:
    if not isinstance(text, str) or not text.strip():
        raise PageError(texts.EMPTY_TEXT)
    if len(text.encode("utf-16-le")) // 2 > limit:  # Telegram counts UTF-16 units
        raise PageError(too_long, count=len(text))
    return text


def _replied(phone: Phone, chat: ChatState, message_id: Any) -> dict[str, Any] | None:
    """Telegram's "Reply": the message answered, which must still be there."""
    if message_id is None:
        return None
    stored = chat.live(message_id) if isinstance(message_id, int) else None
    if stored is None:
        raise PageError(texts.NO_SUCH_MESSAGE)
    return {"chat": {"id": phone.chat_id}, "message_id": stored.message_id}


def send(user: FakeUser, phone: Phone, chat: ChatState, body: dict[str, Any]) -> None:
    """{"text", "reply_to_message_id"?} (commands too), {"location": {…}}, {"contact": true}."""
    if "location" in body:
        latitude, longitude = _coordinates(body["location"])
        user.send_location(latitude, longitude, chat=phone.chat_id)
    elif body.get("contact") is True:
        user.send_contact(phone.phone, own=True, chat=phone.chat_id)
    elif "text" in body:
        text = check_text(body["text"])
        replied = _replied(phone, chat, body.get("reply_to_message_id"))
        user.send(text, chat=phone.chat_id, reply_to=replied)
    else:
        raise PageError(texts.BAD_REQUEST)


def send_photo(user: FakeUser, phone: Phone, data: bytes, caption: str | None) -> None:
    if not data:
        raise PageError(texts.EMPTY_FILE)
    if len(data) > MAX_PHOTO:
        raise PageError(texts.TOO_BIG)
    if image_type(data) is None:
        raise PageError(texts.NOT_AN_IMAGE)
    if caption is not None and caption.strip():
        check_text(caption, MAX_CAPTION, texts.CAPTION_TOO_LONG)
    user.send_photo(caption or None, chat=phone.chat_id, data=data)


def _coordinates(raw: Any) -> tuple[float, float]:
    try:
        latitude, longitude = float(raw["latitude"]), float(raw["longitude"])
    except (TypeError, KeyError, ValueError):
        raise PageError(texts.BAD_LOCATION) from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise PageError(texts.BAD_LOCATION)
    return latitude, longitude


def tap(user: FakeUser, phone: Phone, chat: ChatState, body: dict[str, Any]) -> None:
    """An inline button {"message_id", "callback_data"} or a reply-keyboard button {"text"}."""
    if "callback_data" in body:
        _press(user, phone, chat, body.get("message_id"), body["callback_data"])
        return
    rows = chat.reply_keyboard[1].get("keyboard", []) if chat.reply_keyboard else []
    buttons = [{"text": b} if isinstance(b, str) else b for row in rows for b in row]
    button = next((b for b in buttons if b.get("text") == body.get("text")), None)
    if button is None:
        raise PageError(texts.NO_SUCH_BUTTON)
    if button.get("request_contact"):
        user.send_contact(phone.phone, own=True, chat=phone.chat_id)
    elif button.get("request_location"):
        user.send_location(*PLACE, chat=phone.chat_id)
    else:
        user.send(button["text"], chat=phone.chat_id)


def _press(user: FakeUser, phone: Phone, chat: ChatState, message_id: Any, data: Any) -> None:
    stored = chat.live(message_id) if isinstance(message_id, int) else None
    markup = (stored.data.get("reply_markup") or {}) if stored is not None else {}
    rows = markup.get("inline_keyboard") or []
    if stored is None or not any(b.get("callback_data") == data for row in rows for b in row):
        raise PageError(texts.NO_SUCH_BUTTON)
    user.press(stored.message_id, data, chat=phone.chat_id)
