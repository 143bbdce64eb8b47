"""editMessageText/Caption/ReplyMarkup, deleteMessage(s), answerCallbackQuery."""

from __future__ import annotations

from typing import Any

from bot.emulator.content import content_kind
from bot.emulator.errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError, bad_request
from bot.emulator.methods.common import caption_fields, markup_of, target_chat
from bot.emulator.params import Params
from bot.emulator.state import ChatState, State, StoredMessage
from bot.emulator.validation import CALLBACK_TEXT_LIMIT, format_text

DELETE_WINDOW = 48 * 3600
_NO_CAPTION = {"text", "service", "location", "contact", "poll", "sticker", "dice", "venue"}


def _editable(state: State, p: Params) -> tuple[ChatState, StoredMessage]:
    if p.has("inline_message_id") and not p.has("chat_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = target_chat(state, p, access="write")
    stored = chat.live(p.message_id())
    if stored is None:
        raise bad_request("message to edit not found")
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat, stored


def _edit(
    state: State,
    stored: StoredMessage,
    fields: dict[str, Any],
    markup: dict[str, Any] | None,
    html_source: str | None,
) -> dict[str, Any]:
    """Replace `fields` and the inline keyboard (absent = removed, as Telegram does)."""
    inline = markup if markup and markup.get("inline_keyboard") else None
    before = {key: stored.data.get(key) for key in (*fields, "reply_markup")}
    if before == {**fields, "reply_markup": inline}:
        raise ApiError(400, NOT_MODIFIED)
    for key, value in fields.items():
        stored.data.pop(key, None)
        if value is not None:
            stored.data[key] = value
    stored.data.pop("reply_markup", None)
    if inline is not None:
        stored.data["reply_markup"] = inline
    if stored.markup is None or "inline_keyboard" in stored.markup:
        stored.markup = inline
    if html_source is not None or "caption" in fields:
        stored.html = html_source
    stored.data["edit_date"] = state.now()
    state.notify()
    return stored.data


def edit_message_text(state: State, p: Params) -> dict[str, Any]:
    formatted = format_text(state, p.get("text"), p.get("parse_mode"), p.get("entities"))
    assert formatted is not None
    chat, stored = _editable(state, p)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    markup = markup_of(p, chat, inline_only=True)
    fields = {"text": formatted.text, "entities": formatted.entities or None}
    return _edit(state, stored, fields, markup, formatted.html)


def edit_message_caption(state: State, p: Params) -> dict[str, Any]:
    chat, stored = _editable(state, p)
    if content_kind(stored.data) in _NO_CAPTION:
        raise bad_request("there is no caption in the message to edit")
    caption, html_source = caption_fields(state, p)
    markup = markup_of(p, chat, inline_only=True)
    fields = {
        "caption": caption.get("caption"),
        "caption_entities": caption.get("caption_entities"),
    }
    return _edit(state, stored, fields, markup, html_source)


def edit_message_reply_markup(state: State, p: Params) -> dict[str, Any]:
    chat, stored = _editable(state, p)
    return _edit(state, stored, {}, markup_of(p, chat, inline_only=True), stored.html)


def _delete(state: State, chat: ChatState, message_id: int) -> None:
    stored = chat.live(message_id)
    if stored is None:
        raise bad_request("message to delete not found")
    if state.now() - int(stored.data["date"]) >= DELETE_WINDOW:
        raise bad_request("message can't be deleted for everyone")
    if not stored.from_bot and chat.type != "private" and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    stored.deleted = True
    state.notify()


def delete_message(state: State, p: Params) -> bool:
    chat = target_chat(state, p, access="write")
    _delete(state, chat, p.message_id())
    return True


def delete_messages(state: State, p: Params) -> bool:
    chat = target_chat(state, p, access="write")
    ids = p.get("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad_request("message_ids must contain 1-100 message identifiers")
    for message_id in ids:
        try:
            _delete(state, chat, int(message_id))
        except ApiError:
            continue  # Telegram skips messages it cannot find or delete
    return True


def answer_callback_query(state: State, p: Params) -> bool:
    query_id = p.get_str("callback_query_id")
    record = state.callbacks.get(query_id) if query_id else None
    if record is None or record.answered:
        raise ApiError(400, QUERY_TOO_OLD)
    text = p.get_str("text")
    if text is not None and len(text) > CALLBACK_TEXT_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer = p.logged()
    state.notify()
    return True


HANDLERS = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "deleteMessages": delete_messages,
    "answerCallbackQuery": answer_callback_query,
}
