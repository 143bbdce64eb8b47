"""What each sandbox chat shows, as the page API's JSON, with a sequence number that grows
whenever a message appears, is edited or deleted (the page asks for what came after)."""

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.emulator.content import content_kind
from bot.emulator.state import ChatState, State, StoredMessage

from .markup import to_html

FILES = "/sandbox/api/files/"


def _sender(stored: StoredMessage, me: int) -> str:
    if stored.from_bot:
        return "bot"
    sender = stored.data.get("from") or {}
    if sender.get("id") == me:
        return "me"
    return " ".join(filter(None, (sender.get("first_name"), sender.get("last_name"))))


def _inline(markup: dict[str, Any] | None) -> list[list[dict[str, str]]] | None:
    rows = (markup or {}).get("inline_keyboard")
    if not rows:
        return None
    keep = ("text", "callback_data", "url")
    return [[{k: b[k] for k in keep if k in b} for b in row] for row in rows]


def reply_keyboard(chat: ChatState) -> list[list[dict[str, Any]]] | None:
    if chat.reply_keyboard is None:
        return None
    rows = chat.reply_keyboard[1].get("keyboard") or []
    shown = []
    for row in rows:
        buttons = []
        for button in row:
            button = {"text": button} if isinstance(button, str) else button
            kept: dict[str, Any] = {"text": str(button.get("text", ""))}
            for flag in ("request_contact", "request_location"):
                if button.get(flag):
                    kept[flag] = True
            buttons.append(kept)
        shown.append(buttons)
    return shown


def _reply_to(data: dict[str, Any]) -> dict[str, Any] | None:
    replied = data.get("reply_to_message")
    if not replied:
        return None
    return {
        "message_id": replied["message_id"],
        "text": replied.get("text") or replied.get("caption") or "",
    }


def message_json(stored: StoredMessage, seq: int, me: int, tz: ZoneInfo) -> dict[str, Any]:
    data = stored.data
    text = data.get("text") or data.get("caption") or ""
    entities = data.get("entities") or data.get("caption_entities")
    photo = data.get("photo")
    document = data.get("document")
    place = data.get("location") or (data.get("venue") or {}).get("location")
    contact = data.get("contact")
    return {
        "seq": seq,
        "message_id": stored.message_id,
        "from": _sender(stored, me),
        "text": text,
        "html": to_html(text, entities),
        "photo": FILES + photo[-1]["file_id"] if photo else None,
        "document": (
            {"name": document.get("file_name") or "file", "url": FILES + document["file_id"]}
            if document
            else None
        ),
        "location": (
            {"latitude": place["latitude"], "longitude": place["longitude"]} if place else None
        ),
        "contact": (
            {"phone_number": contact["phone_number"], "first_name": contact["first_name"]}
            if contact
            else None
        ),
        "inline_keyboard": _inline(data.get("reply_markup")),
        "time": f"{datetime.fromtimestamp(data['date'], tz):%H:%M}",
        "reply_to": _reply_to(data),
        "edited": "edit_date" in data,
        "deleted": stored.deleted,
    }


def _fingerprint(stored: StoredMessage) -> str:
    return json.dumps([stored.data, stored.deleted], sort_keys=True, default=str)


class ChatLog:
    """Remembers each tracked message's last seen form; a change takes the next number."""

    def __init__(self, state: State, changed: Callable[[int], None], tz: ZoneInfo) -> None:
        self.state, self.changed, self.tz = state, changed, tz
        self.seq = 0
        self._prints: dict[tuple[int, int], str] = {}
        self._seqs: dict[tuple[int, int], int] = {}
        self._keyboards: dict[int, str] = {}

    def refresh(self, chat_ids: Iterable[int]) -> set[int]:
        """The chats that changed since the last refresh."""
        changed: set[int] = set()
        for chat_id in chat_ids:
            chat = self.state.chats[chat_id]
            for message_id, stored in list(chat.messages.items()):
                key = (chat_id, message_id)
                fingerprint = _fingerprint(stored)
                if self._prints.get(key) != fingerprint:
                    self._prints[key] = fingerprint
                    self.seq += 1
                    self._seqs[key] = self.seq
                    changed.add(chat_id)
            keyboard = json.dumps(chat.reply_keyboard, sort_keys=True, default=str)
            if self._keyboards.get(chat_id) != keyboard:
                self._keyboards[chat_id] = keyboard
                changed.add(chat_id)
        for chat_id in sorted(changed):  # whoever refreshed, the pages hear of it
            self.changed(chat_id)
        return changed

    def messages(self, chat_id: int, after: int, me: int) -> list[dict[str, Any]]:
        chat = self.state.chats[chat_id]
        found = []
        for message_id, stored in chat.messages.items():
            seq = self._seqs.get((chat_id, message_id), 0)
            if seq > after and content_kind(stored.data) != "service":
                found.append(message_json(stored, seq, me, self.tz))
        return sorted(found, key=lambda m: m["seq"])
