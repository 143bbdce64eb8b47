"""Limits Telegram enforces on what a bot sends: texts, captions, keyboards, commands."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.html.entities import HtmlParseError, parse_html
from bot.emulator.html.text import finalize, normalize_url, sort_entities, utf16_len, with_detected
from bot.emulator.state import State

TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_TEXT_LIMIT = 4096, 1024, 200
INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
PRIVATE_ONLY = (
    "request_contact",
    "request_location",
    "request_poll",
    "request_users",
    "request_chat",
    "web_app",
)
SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_BUTTON_PREFIX = "can't parse inline keyboard button: "


@dataclass
class Formatted:
    text: str
    entities: list[dict[str, Any]]
    html: str


def format_text(
    state: State, source: Any, parse_mode: Any, entities: Any, *, caption: bool = False
) -> Formatted | None:
    """Parse a text or caption like Telegram; None for an absent caption."""
    source = "" if source is None else str(source)
    if entities is not None:
        if not isinstance(entities, list) or not all(
            isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities
        ):
            raise bad_request("can't parse entities JSON object")
        plain, found = source, [dict(e) for e in entities]
    elif parse_mode and str(parse_mode).lower() == "html":
        try:
            plain, found = parse_html(
                source, strict_ampersand=state.strict_ampersand, users=state.user_dict
            )
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif parse_mode and str(parse_mode).lower() not in {"markdown", "markdownv2"}:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        plain, found = source, []
    text, found = finalize(plain, found)
    if not text:
        if caption:
            return None
        raise bad_request("message text is empty")
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT
    if utf16_len(text) > limit:
        raise bad_request("message caption is too long" if caption else "message is too long")
    is_html = bool(parse_mode) and str(parse_mode).lower() == "html" and entities is None
    return Formatted(
        text,
        with_detected(text, sort_entities(found)),
        source.strip() if is_html else html.escape(text, quote=False),
    )


def validate_markup(markup: Any, chat_type: str, *, inline_only: bool = False) -> dict[str, Any]:
    """The reply_markup as Telegram would keep it, or 400 for what it refuses."""
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        if sum(len(row) for row in rows) > 100:
            raise bad_request("reply markup is too long")
        for row in rows:
            for button in row:
                _check_inline_button(button, chat_type)
        return {"inline_keyboard": [[dict(button) for button in row] for row in rows]}
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )
        keyboard = [[_reply_button(button, chat_type) for button in row] for row in rows]
        return {**markup, "keyboard": keyboard}
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return dict(markup)
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any, chat_type: str) -> None:
    if not isinstance(button, dict):
        raise bad_request(_BUTTON_PREFIX + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(_BUTTON_PREFIX + 'Can\'t find field "text"')
    if not isinstance(button["text"], str) or not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in INLINE_ACTIONS if button.get(key) is not None]
    if not actions:
        raise bad_request(_BUTTON_PREFIX + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request(_BUTTON_PREFIX + "exactly one of the optional fields must be used")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode()) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")
    if "url" in actions and normalize_url(str(button["url"])) is None:
        raise bad_request("BUTTON_URL_INVALID")
    if "web_app" in actions and chat_type != "private":
        raise bad_request("BUTTON_TYPE_INVALID")


def _reply_button(button: Any, chat_type: str) -> dict[str, Any]:
    if isinstance(button, str):
        button = {"text": button}
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            "can't parse keyboard button: KeyboardButton must be a String or an Object"
        )
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    requests = [key for key in PRIVATE_ONLY if button.get(key)]
    if len(requests) > 1:
        raise bad_request(
            "can't parse keyboard button: exactly one of the optional fields must be used"
        )
    if requests and chat_type != "private":
        raise bad_request("BUTTON_TYPE_INVALID")
    return dict(button)


def validate_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    result = []
    for item in commands:
        if not isinstance(item, dict) or not {"command", "description"} <= item.keys():
            raise bad_request("can't parse BotCommand: Can't find field \"description\"")
        command, description = str(item["command"]), str(item["description"]).strip()
        if not _COMMAND_RE.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command, "description": description})
    return result


def scope_key(state: State, scope: Any, language_code: Any) -> tuple[str, str]:
    """Storage key for a (scope, language_code) pair; 400 for a malformed one."""
    scope = scope or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("unsupported bot command scope type")
    kept = {"type": scope["type"]}
    if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
        chat_id = scope.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in state.chats:
            raise bad_request("chat not found")
        kept["chat_id"] = chat_id
    if scope["type"] == "chat_member":
        if scope.get("user_id") not in state.users:
            raise bad_request("user not found")
        kept["user_id"] = scope["user_id"]
    return json.dumps(kept, sort_keys=True), language_key(language_code)


def language_key(language_code: Any) -> str:
    """Empty or a two-letter ISO 639-1 code."""
    language = str(language_code or "")
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return language
