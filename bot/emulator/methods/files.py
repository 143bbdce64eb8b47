"""sendPhoto and the other file senders, sendMediaGroup, getFile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.emulator.errors import bad_request, required
from bot.emulator.media import DOWNLOAD_LIMIT, media_object, resolve_input_file
from bot.emulator.methods.common import caption_fields, send_content, target_chat
from bot.emulator.params import Params
from bot.emulator.state import State
from bot.emulator.validation import format_text

GROUPABLE = {"photo", "video", "document", "audio"}


def _extra(kind: str, p: Params) -> dict[str, Any]:
    keys = {"audio": ("title", "performer"), "video": ("width", "height")}.get(kind, ())
    return {key: p.get(key) for key in keys if p.has(key)}


def file_sender(kind: str) -> Callable[[State, Params], dict[str, Any]]:
    def send(state: State, p: Params) -> dict[str, Any]:
        fields, html_source = caption_fields(state, p) if kind != "sticker" else ({}, None)
        ref = p.file_ref(p.get(kind))
        if ref is None:
            raise bad_request(f"there is no {kind} in the request")
        chat = target_chat(state, p)
        record = resolve_input_file(state, kind, ref)
        content: dict[str, Any] = {
            kind: media_object(
                state, kind, record, duration=p.get_int("duration"), extra=_extra(kind, p)
            )
        }
        if kind == "animation":
            content["document"] = media_object(state, "document", record)
        content.update(fields)
        if p.get_bool("has_spoiler"):
            content["has_media_spoiler"] = True
        return send_content(state, chat, p, content, html_source).data

    send.__name__ = f"send_{kind}"
    return send


def send_media_group(state: State, p: Params) -> list[dict[str, Any]]:
    if p.has("reply_markup"):
        raise bad_request("sendMediaGroup does not accept reply_markup")
    media = p.get("media")
    if media is None:
        raise required("media")
    if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
        raise bad_request("can't parse media JSON object")
    if not 2 <= len(media) <= 10:
        raise bad_request("wrong number of media in the group: 2-10 items are allowed")
    kinds = {item.get("type") for item in media}
    if not kinds <= GROUPABLE:
        raise bad_request(f"unsupported media type in the group: {sorted(map(str, kinds))}")
    for lonely in ("document", "audio"):
        if lonely in kinds and len(kinds) > 1:
            raise bad_request(f"{lonely} can't be mixed with other media types")
    prepared = []
    for item in media:
        caption = format_text(
            state,
            item.get("caption"),
            item.get("parse_mode"),
            item.get("caption_entities"),
            caption=True,
        )
        ref = p.file_ref(item.get("media"))
        if ref is None:
            raise bad_request("media not found")
        prepared.append((item, caption, ref))
    chat = target_chat(state, p)
    group_id = str(state.next_id("media_group", 13_900_000_000_000_001))
    messages = []
    for item, caption, ref in prepared:
        kind = item["type"]
        record = resolve_input_file(state, kind, ref)
        content: dict[str, Any] = {
            "media_group_id": group_id,
            kind: media_object(state, kind, record),
        }
        if caption is not None:
            content["caption"] = caption.text
            if caption.entities:
                content["caption_entities"] = caption.entities
        messages.append(
            send_content(state, chat, p, content, caption.html if caption else None).data
        )
    return messages


def get_file(state: State, p: Params) -> dict[str, Any]:
    file_id = p.get_str("file_id")
    record = state.files.get(file_id) if file_id else None
    if record is None:
        raise bad_request("invalid file_id")
    if len(record.data) > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return record.as_file()


HANDLERS: dict[str, Callable[[State, Params], Any]] = {
    f"send{kind.capitalize()}": file_sender(kind)
    for kind in ("photo", "document", "video", "voice", "audio", "animation", "sticker")
}
HANDLERS.update({"sendMediaGroup": send_media_group, "getFile": get_file})
