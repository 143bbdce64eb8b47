"""getChat, getChatMember, leaveChat, bot commands, bot descriptions and names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.emulator.errors import bad_request
from bot.emulator.methods.common import target_chat
from bot.emulator.params import Params
from bot.emulator.service import bot_membership_changed, member_object
from bot.emulator.state import State
from bot.emulator.validation import language_key, scope_key, validate_commands

TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


def get_chat(state: State, p: Params) -> dict[str, Any]:
    chat = target_chat(state, p, access="read")
    return {
        **chat.as_dict(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def get_chat_member(state: State, p: Params) -> dict[str, Any]:
    chat = target_chat(state, p, access="read")
    user_id = p.need_int("user_id")
    if user_id == state.bot.id:
        return member_object(state.bot.as_dict(), chat.bot_status)
    user = state.users.get(user_id)
    if user is None or (chat.type == "private" and user_id != chat.id):
        raise bad_request("user not found")
    in_chat = chat.type == "private" or user_id in chat.members
    return member_object(user.as_dict(), "member" if in_chat else "left")


def leave_chat(state: State, p: Params) -> bool:
    chat = target_chat(state, p, access="write")
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    old, chat.bot_status = chat.bot_status, "left"
    bot_membership_changed(state, chat, state.bot.as_dict(), old, "left")
    return True


def set_my_commands(state: State, p: Params) -> bool:
    commands = validate_commands(p.get("commands", []))
    key = scope_key(state, p.get("scope"), p.get("language_code"))
    if commands:
        state.commands[key] = commands
    else:
        state.commands.pop(key, None)
    return True


def get_my_commands(state: State, p: Params) -> list[dict[str, str]]:
    key = scope_key(state, p.get("scope"), p.get("language_code"))
    return [dict(command) for command in state.commands.get(key, [])]


def delete_my_commands(state: State, p: Params) -> bool:
    state.commands.pop(scope_key(state, p.get("scope"), p.get("language_code")), None)
    return True


def text_setter(field: str) -> Callable[[State, Params], bool]:
    def setter(state: State, p: Params) -> bool:
        value = (p.get_str(field) or "").strip()
        if len(value) > TEXT_LIMITS[field]:
            raise bad_request(f"bot {field.replace('_', ' ')} is too long")
        key = (field, language_key(p.get("language_code")))
        if value:
            state.bot_texts[key] = value
        else:
            state.bot_texts.pop(key, None)
        return True

    return setter


def text_getter(field: str) -> Callable[[State, Params], dict[str, str]]:
    def getter(state: State, p: Params) -> dict[str, str]:
        default = state.bot.first_name if field == "name" else ""
        language = language_key(p.get("language_code"))
        value = state.bot_texts.get((field, language)) or state.bot_texts.get((field, ""))
        return {field: value or default}

    return getter


HANDLERS: dict[str, Callable[[State, Params], Any]] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "leaveChat": leave_chat,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": text_setter("description"),
    "getMyDescription": text_getter("description"),
    "setMyShortDescription": text_setter("short_description"),
    "getMyShortDescription": text_getter("short_description"),
    "setMyName": text_setter("name"),
    "getMyName": text_getter("name"),
}
