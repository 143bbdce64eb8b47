"""Shared steps of Bot API methods: finding the chat, reply targets, storing what is sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from bot.emulator.content import new_message, reply_copy, store
from bot.emulator.errors import (
    BLOCKED,
    CANT_INITIATE,
    CHAT_NOT_FOUND,
    DEACTIVATED,
    ApiError,
    bad_request,
    forbidden,
    migrated,
)
from bot.emulator.params import Params
from bot.emulator.state import ChatState, State, StoredMessage
from bot.emulator.validation import format_text, validate_markup

Handler = Callable[[State, Params], Any | Awaitable[Any]]
Access = Literal["send", "write", "read"]


@dataclass
class Described:
    """A successful result that also carries a `description` (as setWebhook's does)."""

    result: Any
    description: str


def resolve_chat(state: State, chat_id: int | str, *, access: Access = "send") -> ChatState:
    """The chat a call targets, or the error Telegram gives for it.

    access: "send" (new messages), "write" (edit/delete: a block still applies),
    "read" (getChat, getChatMember, reply sources: only existence and membership).
    """
    chat = state.chats.get(chat_id) if isinstance(chat_id, int) else None
    if chat is None:
        raise ApiError(400, CHAT_NOT_FOUND)
    if chat.migrated_to is not None:
        raise migrated(chat.migrated_to)
    if chat.type == "private":
        if access != "read" and chat.deactivated:
            raise ApiError(403, DEACTIVATED)
        if access != "read" and chat.blocked:
            raise ApiError(403, BLOCKED)
        if access == "send" and not chat.started:
            raise ApiError(403, CANT_INITIATE)
    elif chat.bot_status == "kicked":
        raise forbidden(f"bot was kicked from the {chat.type} chat")
    elif chat.bot_status == "left":
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    return chat


def target_chat(state: State, p: Params, *, access: Access = "send") -> ChatState:
    return resolve_chat(state, p.chat_id(), access=access)


def reply_target(state: State, chat: ChatState, p: Params) -> dict[str, Any] | None:
    params = p.get("reply_parameters") or {}
    if not isinstance(params, dict):
        raise bad_request("can't parse reply parameters JSON object")
    message_id = params.get("message_id") or p.get_int("reply_to_message_id")
    if not message_id:
        return None
    allow = bool(params.get("allow_sending_without_reply")) or p.get_bool(
        "allow_sending_without_reply"
    )
    source = chat
    if params.get("chat_id") not in (None, chat.id):
        source = resolve_chat(state, params["chat_id"], access="read")
    stored = source.live(int(message_id))
    if stored is None:
        if allow:
            return None
        raise bad_request("message to be replied not found")
    return reply_copy(stored)


def markup_of(p: Params, chat: ChatState, *, inline_only: bool = False) -> dict[str, Any] | None:
    if not p.has("reply_markup"):
        return None
    return validate_markup(p.get("reply_markup"), chat.type, inline_only=inline_only)


def caption_fields(
    state: State, p: Params, source: Any = None
) -> tuple[dict[str, Any], str | None]:
    """`caption`/`caption_entities` for a media message, and the caption's HTML source."""
    raw = p.get("caption") if source is None else source
    formatted = format_text(
        state, raw, p.get("parse_mode"), p.get("caption_entities"), caption=True
    )
    if formatted is None:
        return {}, None
    fields: dict[str, Any] = {"caption": formatted.text}
    if formatted.entities:
        fields["caption_entities"] = formatted.entities
    if p.get_bool("show_caption_above_media"):
        fields["show_caption_above_media"] = True
    return fields, formatted.html


def send_content(
    state: State,
    chat: ChatState,
    p: Params,
    content: dict[str, Any],
    html_source: str | None = None,
) -> StoredMessage:
    """Validate markup and reply target, then store a new bot message with `content`."""
    markup = markup_of(p, chat)
    reply = reply_target(state, chat, p)
    message = new_message(state, chat, state.bot.as_dict())
    if reply is not None:
        message["reply_to_message"] = reply
    message.update(content)
    if p.get_bool("protect_content"):
        message["has_protected_content"] = True
    if markup and markup.get("inline_keyboard"):
        message["reply_markup"] = markup
    return store(state, chat, message, from_bot=True, html_source=html_source, markup=markup)
