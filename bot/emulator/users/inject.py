"""What users do, turned into the updates Telegram would deliver to the bot."""

from __future__ import annotations

import copy
import html
from datetime import datetime
from typing import Any

from bot.emulator.content import content_kind, new_message, reply_copy, store
from bot.emulator.html.text import utf16_slice, with_detected
from bot.emulator.service import bot_membership_changed
from bot.emulator.state import CallbackRecord, ChatState, State, StoredMessage, UserState

Date = datetime | int | None


def timestamp(date: Date) -> int | None:
    if date is None or isinstance(date, int):
        return date
    if date.tzinfo is None:
        raise ValueError("message dates must be timezone-aware datetimes")
    return int(date.timestamp())


def _reaches_bot(state: State, chat: ChatState, message: dict[str, Any]) -> bool:
    """Group privacy mode: what a non-admin bot receives when privacy is on."""
    if chat.type == "private":
        return True
    if chat.bot_status not in {"member", "administrator"}:
        return False
    if not state.privacy_mode or chat.bot_status == "administrator":
        return True
    body = message.get("text") or message.get("caption") or ""
    username = (state.bot.username or "").lower()
    for entity in message.get("entities") or message.get("caption_entities") or []:
        word = utf16_slice(body, entity["offset"], entity["length"]).lower()
        if entity["type"] == "bot_command" and ("@" not in word or word.endswith("@" + username)):
            return True
        if entity["type"] == "mention" and word == "@" + username:
            return True
    replied = message.get("reply_to_message") or {}
    if replied.get("from", {}).get("id") == state.bot.id:
        return True
    return content_kind(message) == "service"  # service messages always arrive


def user_writes(
    state: State,
    user: UserState,
    chat: ChatState,
    fields: dict[str, Any],
    *,
    date: Date = None,
    reply_to: StoredMessage | None = None,
) -> dict[str, Any]:
    """Store a user's message and deliver it (unless privacy mode keeps it from the bot)."""
    if chat.type == "private":
        chat.started = True
        if chat.blocked:  # writing to a blocked bot means pressing "Restart" first
            chat.blocked = False
            bot_membership_changed(state, chat, user.as_dict(), "kicked", "member")
    else:
        chat.members.add(user.id)
    message = new_message(state, chat, user.as_dict(), timestamp(date))
    if reply_to is not None:
        message["reply_to_message"] = reply_copy(reply_to)
    for key in ("text", "caption"):
        if isinstance(fields.get(key), str):
            entity_key = "entities" if key == "text" else "caption_entities"
            fields.setdefault(entity_key, with_detected(fields[key], []))
            if not fields[entity_key]:
                del fields[entity_key]
    message.update(fields)
    store(
        state,
        chat,
        message,
        from_bot=False,
        html_source=html.escape(fields.get("text") or fields.get("caption") or "", quote=False),
    )
    if _reaches_bot(state, chat, message):
        state.updates.push({"message": copy.deepcopy(message)})
    else:
        state.withheld.append(copy.deepcopy(message))
    return copy.deepcopy(message)


def user_edits(
    state: State, chat: ChatState, message_id: int, text: str, date: Date = None
) -> dict[str, Any]:
    stored = chat.live(message_id)
    if stored is None or stored.from_bot or "text" not in stored.data:
        raise AssertionError(f"no text message #{message_id} from a user in chat {chat.id}")
    stored.data["text"] = text
    stored.data.pop("entities", None)
    if entities := with_detected(text, []):
        stored.data["entities"] = entities
    stored.data["edit_date"] = timestamp(date) or state.now()
    stored.html = html.escape(text, quote=False)
    state.updates.push({"edited_message": copy.deepcopy(stored.data)})
    return copy.deepcopy(stored.data)


def user_presses(
    state: State, user: UserState, chat: ChatState, stored: StoredMessage, data: str
) -> dict[str, Any]:
    """Inject a callback_query for an inline button (any data, even forged or stale)."""
    query_id = str(state.next_id("callback", 4_611_686_018_427_387_904))
    query: dict[str, Any] = {
        "id": query_id,
        "from": user.as_dict(),
        "message": copy.deepcopy(stored.data),
        "chat_instance": str(abs(chat.id) * 7919 + 1),
        "data": data,
    }
    state.callbacks[query_id] = CallbackRecord(copy.deepcopy(query))
    state.updates.push({"callback_query": copy.deepcopy(query)})
    return query
