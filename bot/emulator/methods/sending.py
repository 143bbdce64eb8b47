"""sendMessage, sendLocation, sendContact, copyMessage, forwardMessage, sendChatAction."""

from __future__ import annotations

import copy
from typing import Any

from bot.emulator.content import COPYABLE, content_kind
from bot.emulator.errors import bad_request, required
from bot.emulator.methods.common import caption_fields, resolve_chat, send_content, target_chat
from bot.emulator.params import Params
from bot.emulator.state import State, StoredMessage
from bot.emulator.validation import format_text

CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


def send_message(state: State, p: Params) -> dict[str, Any]:
    formatted = format_text(state, p.get("text"), p.get("parse_mode"), p.get("entities"))
    assert formatted is not None
    chat = target_chat(state, p)
    content: dict[str, Any] = {"text": formatted.text}
    if formatted.entities:
        content["entities"] = formatted.entities
    return send_content(state, chat, p, content, formatted.html).data


def send_location(state: State, p: Params) -> dict[str, Any]:
    latitude, longitude = p.get_float("latitude"), p.get_float("longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise bad_request("wrong location specified")
    chat = target_chat(state, p)
    location = {"latitude": latitude, "longitude": longitude}
    if p.has("horizontal_accuracy"):
        location["horizontal_accuracy"] = p.get_float("horizontal_accuracy")
    return send_content(state, chat, p, {"location": location}).data


def send_contact(state: State, p: Params) -> dict[str, Any]:
    for name in ("phone_number", "first_name"):
        if not p.has(name):
            raise required(name)
    chat = target_chat(state, p)
    contact = {"phone_number": p.get_str("phone_number"), "first_name": p.get_str("first_name")}
    if p.has("last_name"):
        contact["last_name"] = p.get_str("last_name")
    return send_content(state, chat, p, {"contact": contact}).data


def _source(state: State, p: Params, verb: str) -> StoredMessage:
    source_chat = resolve_chat(state, p.chat_id("from_chat_id"), access="read")
    stored = source_chat.live(p.message_id())
    if stored is None:
        raise bad_request(f"message to {verb} not found")
    if content_kind(stored.data) == "service":
        past = {"copy": "copied", "forward": "forwarded"}[verb]
        raise bad_request(f"message can't be {past}")
    if stored.data.get("has_protected_content"):
        raise bad_request("message has protected content and can't be forwarded")
    return stored


def copy_message(state: State, p: Params) -> dict[str, Any]:
    chat = target_chat(state, p)
    source = _source(state, p, "copy")
    content = {k: copy.deepcopy(v) for k, v in source.data.items() if k in COPYABLE}
    html_source = source.html
    if content_kind(content) != "text" and (p.has("caption") or p.get_bool("remove_caption")):
        content.pop("caption", None)
        content.pop("caption_entities", None)
        fields, html_source = caption_fields(state, p)
        content.update(fields)
    stored = send_content(state, chat, p, content, html_source)
    return {"message_id": stored.message_id}


def forward_message(state: State, p: Params) -> dict[str, Any]:
    chat = target_chat(state, p)
    source = _source(state, p, "forward")
    content = {k: copy.deepcopy(v) for k, v in source.data.items() if k in COPYABLE}
    content["forward_origin"] = {
        "type": "user",
        "sender_user": copy.deepcopy(source.data["from"]),
        "date": source.data["date"],
    }
    return send_content(state, chat, p, content, source.html).data


def send_chat_action(state: State, p: Params) -> bool:
    action = p.get_str("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat = target_chat(state, p)
    state.chat_actions.append((chat.id, action))
    return True


HANDLERS = {
    "sendMessage": send_message,
    "sendLocation": send_location,
    "sendContact": send_contact,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "sendChatAction": send_chat_action,
}
